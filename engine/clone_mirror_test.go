package engine

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestCloneUpdatesMirror: with Mirror and UpdatePull, clone finds a bare
// mirror already at the destination and fetches every ref into it
// (Result.Existed); a fresh clone is not Existed. Without Mirror, a bare
// repository at the destination is still not a clone to update.
func TestCloneUpdatesMirror(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	src := filepath.Join(t.TempDir(), "src")
	gittest.InitRepo(t, src)
	gittest.Commit(t, src, "a.txt", "a", "first")
	dest := filepath.Join(t.TempDir(), "ws", "repo.git")
	cfg := Config{Backend: cli.New(), Retry: fastRetry, NoProgress: true}
	job := Job{Op: OpClone, Repo: Repo{ID: "repo.git", Path: dest, URL: src}}
	mirror := Options{UpdateMode: UpdatePull, Mirror: true}

	first := submit(t, cfg, context.Background(), Plan{Jobs: []Job{job}, Options: mirror}).finished["repo.git"][0]
	if first.Result.Outcome != OutcomeOK || first.Result.Existed {
		t.Fatalf("first clone: %s existed=%v (%q, %v)", first.Result.Outcome, first.Result.Existed, first.Result.Detail, first.Err)
	}
	gittest.Git(t, src, "branch", "topic")
	again := submit(t, cfg, context.Background(), Plan{Jobs: []Job{job}, Options: mirror}).finished["repo.git"][0]
	if again.Result.Outcome != OutcomeOK || !again.Result.Existed || again.Result.Detail != "exists; fetched" {
		t.Fatalf("second clone: %s existed=%v (%q, %v)", again.Result.Outcome, again.Result.Existed, again.Result.Detail, again.Err)
	}
	if out := gittest.Git(t, dest, "branch", "--list", "topic"); !strings.Contains(out, "topic") {
		t.Error("the branch made after the mirror's clone was not fetched")
	}

	work := submit(t, cfg, context.Background(), Plan{Jobs: []Job{job}, Options: Options{UpdateMode: UpdatePull}}).finished["repo.git"][0]
	if work.Result.Outcome != OutcomeFailed || !errors.Is(work.Err, git.ErrDestExists) {
		t.Errorf("a bare repository updated as a work tree: %s (%v)", work.Result.Outcome, work.Err)
	}
}
