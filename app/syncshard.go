package app

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/telemetry"
)

// shard is one of n shards (i in [0, n)); the zero value keeps everything.
type shard struct{ i, n uint64 }

// parseShard parses --shard "I/N"; "" is the whole set.
func parseShard(s string) (shard, error) {
	if s == "" {
		return shard{0, 1}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.ParseUint(strings.TrimSpace(is), 10, 32)
	n, err2 := strconv.ParseUint(strings.TrimSpace(ns), 10, 32)
	if !ok || err1 != nil || err2 != nil || n == 0 || i >= n {
		return shard{}, usagef("Use --shard I/N with 0 <= I < N, e.g. --shard 0/3.", "--shard %q: want I/N with 0 <= I < N", s)
	}
	return shard{i, n}, nil
}

// shardKey is what the shard hash is computed over: stable across runs,
// replicas and listing order, and case-insensitive like queries.
func shardKey(r provider.Repo) string {
	return strings.ToLower(r.Provider + "/" + r.FullName)
}

// keeps reports whether r belongs to the shard: FNV-1a 64 of shardKey mod n.
func (s shard) keeps(r provider.Repo) bool {
	if s.n <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(shardKey(r)))
	return h.Sum64()%s.n == s.i
}

// repoLister lists the repositories a sync cycle works on.
type repoLister interface {
	List(ctx context.Context) ([]provider.Repo, error)
}

// providerLister lists a query across providers, one trace span each. A
// provider that fails does not hide the others' repositories: List returns
// what it found together with the joined errors.
type providerLister struct {
	providers []provider.Provider
	query     provider.Query
	filter    provider.FilterOptions
	tracing   *telemetry.Tracing
}

func (l providerLister) List(ctx context.Context) ([]provider.Repo, error) {
	found := make([][]provider.Repo, len(l.providers))
	errs := make([]error, len(l.providers))
	discover(ctx, l.providers, l.query, l.tracing, func(i int, repos []provider.Repo, err error) {
		if err != nil {
			errs[i] = fmt.Errorf("list %s: %w", l.providers[i].Name(), err)
			return
		}
		found[i] = provider.Filter(repos, l.filter)
	})
	// Concatenated in the providers' order, whichever answered first: the
	// first provider to list a repository keeps it (cycle drops the rest).
	var all []provider.Repo
	failed := 0
	for i := range l.providers {
		all = append(all, found[i]...)
		if errs[i] != nil {
			failed++
		}
	}
	if failed == len(l.providers) && failed > 0 {
		return nil, errors.Join(errs...)
	}
	return all, errors.Join(errs...)
}
