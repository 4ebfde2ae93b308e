package ui

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// cachedFixture is the fixture whose cache knows where its repositories
// are, as the dashboard saves it, painting from the cache; discovery,
// after the first frame, finds found.
func cachedFixture(t *testing.T, found []workspace.Repo) (Options, *int) {
	opt := fixture(t)
	if err := opt.State.Save(opt.Root, withPlaces(opt.State.Load(opt.Root), opt.Repos)); err != nil {
		t.Fatal(err)
	}
	opt = cacheFirst(opt)
	calls := new(int)
	opt.Rediscover = func(context.Context) ([]workspace.Repo, error) {
		*calls++
		return found, nil
	}
	return opt, calls
}

// The first frame shows the cached rows before discovery has run, and no
// status is read until it has; the first frame on the screen starts
// discovery, not the status.
func TestFirstPaintBeforeDiscovery(t *testing.T) {
	opt, calls := cachedFixture(t, fixture(t).Repos)
	m, rec := newTestModel(t, opt, 160, 40)
	scr := screen(m)
	mustContain(t, scr, "github.com/acme/dirty", "feature/login", "local/failed")
	if m.table.Stats().Total != 7 { // and the listed acme/new
		t.Fatalf("rows = %d, want 7", m.table.Stats().Total)
	}
	if r := m.table.Index().Row("github.com/acme/dirty"); r == nil || !r.Cloned || r.Kind != "repo" || r.Path != "/ws/github.com/acme/dirty" {
		t.Fatalf("cached row = %+v", r)
	}
	if *calls != 0 {
		t.Fatal("discovery ran before the first frame")
	}
	next, cmd := m.Update(paintedMsg{})
	m = next.(model)
	if msg, ok := cmd().(rescanMsg); !ok || !msg.initial || *calls != 1 {
		t.Fatalf("after the first frame: %#v (discoveries %d), want the initial discovery", msg, *calls)
	}
	if len(rec.plans) != 0 {
		t.Fatalf("status read before discovery: %+v", rec.plans)
	}
	m = update(t, m, press("D"))
	mustContain(t, screen(m), "rescan: already looking")
}

// Discovery's result takes away the repository deleted since the last
// run and adds the new one; then, after the watcher's baseline, the
// status of every row is read; the cache then keeps the new repository's
// place.
func TestFirstPaintReconciledByDiscovery(t *testing.T) {
	var repos []workspace.Repo
	for _, r := range fixture(t).Repos {
		if r.Rel != "local/failed" {
			repos = append(repos, r)
		}
	}
	repos = append(repos, workspace.Repo{Path: "/ws/new/clone", Rel: "new/clone", Kind: workspace.KindWorktree})
	opt, _ := cachedFixture(t, repos)
	m, rec := newTestModel(t, opt, 160, 40)
	mustNotContain(t, screen(m), "new/clone")
	m = update(t, m, m.afterFirstFrame()())
	scr := screen(m)
	mustContain(t, scr, "new/clone", "1 new, 1 gone")
	mustNotContain(t, scr, "local/failed")
	if len(rec.plans) != 0 {
		t.Fatalf("plans %+v before the watcher's baseline", rec.plans)
	}
	m = update(t, m, m.baselineCmd()())
	if len(rec.plans) != 1 {
		t.Fatalf("plans %+v, want one status of every row", rec.plans)
	}
	got := jobIDs(rec.plans[0])
	slices.Sort(got)
	want := []string{"github.com/acme/behind", "github.com/acme/clean", "github.com/acme/conflict",
		"github.com/acme/dirty", "gitlab.example.com/team/sub/very-long-repository-name", "new/clone"}
	if !slices.Equal(got, want) {
		t.Fatalf("status of %v, want %v", got, want)
	}
	e := snapshot(m.table.Index().Rows())["new/clone"]
	if e.Path != "/ws/new/clone" || e.Kind != "worktree" {
		t.Fatalf("cache entry of the new repository = %+v", e)
	}
	if _, ok := snapshot(m.table.Index().Rows())["local/failed"]; ok {
		t.Fatal("the cache keeps the deleted repository")
	}
	if m.live.rescanning || m.live.discoverFirst {
		t.Fatal("the rescan key still waits for the first discovery")
	}
}

// Many cached rows are made on two goroutines: every row is there, in
// the order of its ID, filled and sanitized in either half (run with
// -race, the halves share nothing but the cache's map, read only).
func TestFirstPaintFromCacheManyRows(t *testing.T) {
	n := parallelRows + 501
	entries := make(map[string]state.Entry, n)
	for i := range n {
		id := fmt.Sprintf("org/repo-%05d", i)
		entries[id] = state.Entry{Path: "/ws/" + id, Kind: "repo",
			Status: &git.Status{Branch: fmt.Sprintf("b%d\x1b[2J", i%3), Head: git.Commit{Subject: "s"}}}
	}
	rows := cachedRows(entries, 0)
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		if want := fmt.Sprintf("org/repo-%05d", i); r.ID != want || !r.Cloned || r.Path != "/ws/"+want {
			t.Fatalf("row %d = %s %q, want %s", i, r.ID, r.Path, want)
		}
		if want := fmt.Sprintf("b%d", i%3); r.Status == nil || r.Status.Branch != want {
			t.Fatalf("row %d status %+v, want branch %s", i, r.Status, want)
		}
	}
}
