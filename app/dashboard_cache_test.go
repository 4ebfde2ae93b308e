package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/state"
)

// The dashboard's inputs carry the state cache's entries for the
// workspace, read beside discovery, so the first paint need not read the
// cache after walking the workspace.
func TestDashboardInputsCarryCachedState(t *testing.T) {
	t.Parallel()
	env := providerTestEnv(t)
	dir := t.TempDir()
	gittest.InitRepo(t, filepath.Join(dir, "a"))
	cacheDir, err := state.DefaultDir(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]state.Entry{"a": {Status: &git.Status{Branch: "cached-branch"}}}
	if err := state.Open(cacheDir, zerolog.Nop()).Save(dir, want); err != nil {
		t.Fatal(err)
	}
	c, _ := configured(t, env, &config.Config{})
	in, err := (&DashboardOptions{f: c, Args: []string{dir}}).inputs(context.Background(), observeFor(t, c))
	if err != nil {
		t.Fatal(err)
	}
	defer in.stop()
	if in.store == nil {
		t.Fatal("no state store")
	}
	got := in.cached
	if e, ok := got["a"]; !ok || e.Status == nil || e.Status.Branch != "cached-branch" {
		t.Fatalf("cached entries = %+v, want a on cached-branch", got)
	}
}

// A cache that knows where its repositories are lets the dashboard paint
// before discovery: inputs does not walk, the dashboard does after its
// first frame; a cache of an older version (no places) discovers first,
// as before.
func TestDashboardInputsDiscoverAfterPaint(t *testing.T) {
	t.Parallel()
	env := providerTestEnv(t)
	dir := t.TempDir()
	gittest.InitRepo(t, filepath.Join(dir, "a"))
	gittest.InitRepo(t, filepath.Join(dir, "b"))
	cacheDir, err := state.DefaultDir(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]state.Entry{"a": {Status: &git.Status{Branch: "main"}}}
	if err := state.Open(cacheDir, zerolog.Nop()).Save(dir, old); err != nil {
		t.Fatal(err)
	}
	c, _ := configured(t, env, &config.Config{})
	in, err := (&DashboardOptions{f: c, Args: []string{dir}}).inputs(context.Background(), observeFor(t, c))
	if err != nil {
		t.Fatal(err)
	}
	in.stop()
	if in.fromCache || len(in.repos) != 2 {
		t.Fatalf("cache without places: from cache %v, repos %d; want discovery first", in.fromCache, len(in.repos))
	}
	placed := map[string]state.Entry{"a": {Path: filepath.Join(dir, "a"), Kind: "repo"}}
	if err := state.Open(cacheDir, zerolog.Nop()).Save(dir, placed); err != nil {
		t.Fatal(err)
	}
	in, err = (&DashboardOptions{f: c, Args: []string{dir}}).inputs(context.Background(), observeFor(t, c))
	if err != nil {
		t.Fatal(err)
	}
	defer in.stop()
	if !in.fromCache || len(in.repos) != 0 {
		t.Fatalf("cache with places: from cache %v, repos %d; want discovery after the paint", in.fromCache, len(in.repos))
	}
	if repos, err := in.rediscover(context.Background()); err != nil || len(repos) != 2 {
		t.Fatalf("discovery after paint = %d repositories, %v", len(repos), err)
	}
}
