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
	got := <-in.cached
	if e, ok := got["a"]; !ok || e.Status == nil || e.Status.Branch != "cached-branch" {
		t.Fatalf("cached entries = %+v, want a on cached-branch", got)
	}
}
