package provider

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
)

// ErrNoProviders is Narrow's error when nothing is configured.
var ErrNoProviders = errors.New("no provider configured")

// UnknownProviderError is Narrow's error for a --provider that names no
// configured provider.
type UnknownProviderError struct {
	Name  string
	Known []string
}

func (e *UnknownProviderError) Error() string { return "--provider " + e.Name + ": no such provider" }

// Narrow picks the configured providers (by name, in the configuration's
// order) a query fans out to: every one, or the one only names (compared
// ignoring case). It returns their indices in names.
func Narrow(names []string, only string) ([]int, error) {
	if len(names) == 0 {
		return nil, ErrNoProviders
	}
	if only == "" {
		all := make([]int, len(names))
		for i := range names {
			all[i] = i
		}
		return all, nil
	}
	for i, n := range names {
		if strings.EqualFold(n, only) {
			return []int{i}, nil
		}
	}
	return nil, &UnknownProviderError{Name: only, Known: append([]string(nil), names...)}
}

// Target is one provider a query fans out to: built, or the error that
// kept it from being built (no token), which is its answer.
type Target struct {
	Name     string
	Provider Provider // nil when Err is set
	Err      error
}

// Answer is one target's answer to a query.
type Answer struct {
	// Index is the target's position in the fan-out.
	Index int
	Name  string
	Repos []Repo
	// Err is the provider's failure; the others' answers stand.
	Err error
}

// FanOut sends one query to many providers.
type FanOut struct {
	Query Query
	// Filter, when set, is applied to each provider's answer.
	Filter *FilterOptions
	// Vet, when set, keeps the (filtered) repositories the caller
	// accepts from provider name.
	Vet func(name string, repos []Repo) []Repo
	// Span, when set, wraps each provider's listing (a trace span); end
	// is called with the listing's error.
	Span func(ctx context.Context, p Provider, q Query) (context.Context, func(err error))
}

// Each asks every target for the query concurrently and calls done with
// each answer as soon as it has it: a target that could not be built
// first, before any listing, then each listing from its provider's
// goroutine. A target with neither a provider nor an error is skipped.
// Each returns once every target has answered; one provider's failure
// does not stop the others.
func (f FanOut) Each(ctx context.Context, ts []Target, done func(Answer)) {
	for i, t := range ts {
		if t.Err != nil {
			done(Answer{Index: i, Name: t.Name, Err: t.Err})
		}
	}
	var wg sync.WaitGroup
	for i, t := range ts {
		if t.Err != nil || t.Provider == nil {
			continue
		}
		wg.Go(func() {
			lctx, end := ctx, func(error) {}
			if f.Span != nil {
				lctx, end = f.Span(ctx, t.Provider, f.Query)
			}
			repos, err := t.Provider.List(lctx, f.Query)
			end(err)
			if err != nil {
				done(Answer{Index: i, Name: t.Name, Err: err})
				return
			}
			if f.Filter != nil {
				repos = Filter(repos, *f.Filter)
			}
			if f.Vet != nil {
				repos = f.Vet(t.Name, repos)
			}
			done(Answer{Index: i, Name: t.Name, Repos: repos})
		})
	}
	wg.Wait()
}

// All collects Each: every repository, sorted by provider and then full
// name (ignoring case), and the failed answers in the targets' order,
// whichever answered first.
func (f FanOut) All(ctx context.Context, ts []Target) ([]Repo, []Answer) {
	var mu sync.Mutex
	var repos []Repo
	var fails []Answer
	f.Each(ctx, ts, func(a Answer) {
		mu.Lock()
		defer mu.Unlock()
		repos = append(repos, a.Repos...)
		if a.Err != nil {
			fails = append(fails, a)
		}
	})
	sort.SliceStable(repos, func(i, j int) bool {
		if repos[i].Provider != repos[j].Provider {
			return repos[i].Provider < repos[j].Provider
		}
		return strings.ToLower(repos[i].FullName) < strings.ToLower(repos[j].FullName)
	})
	sort.SliceStable(fails, func(i, j int) bool { return fails[i].Index < fails[j].Index })
	return repos, fails
}
