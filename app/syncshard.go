package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/mgit-dev/mgit/engine/provider"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
	"github.com/mgit-dev/mgit/telemetry"
)

// parseShard parses --shard "I/N"; "" is the whole set.
func parseShard(s string) (syncloop.Shard, error) {
	sh, err := syncloop.ParseShard(s)
	if err != nil {
		return syncloop.Shard{}, usagef("Use --shard I/N with 0 <= I < N, e.g. --shard 0/3.", "--shard %s", err)
	}
	return sh, nil
}

// repoLister lists the repositories a sync cycle works on.
type repoLister = syncloop.Lister

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
