package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/keys"
)

// The watcher takes its baseline before the first status is read, so an
// edit made after that read began is a change it reports: HEAD moves
// while the dashboard submits the first refresh, and the next plan reads
// that repository again. Were the baseline taken after the read (the
// order of a730474, reverted), it would hold the edited HEAD, no change
// would ever be reported, and no second plan would come.
func TestWatcherBaselineBeforeFirstStatus(t *testing.T) {
	gittest.Isolate(t)
	ws := t.TempDir()
	var repos []workspace.Repo
	for _, name := range []string{"a", "b"} {
		dir := filepath.Join(ws, name)
		gittest.InitRepo(t, dir)
		gittest.Commit(t, dir, "f.txt", "1\n", "first")
		repos = append(repos, workspace.Repo{Path: dir, Rel: name, Kind: workspace.KindRepo})
	}
	fe := &fakeEngine{events: make(chan engine.Event, 64), plans: make(chan submittedPlan, 8)}
	var (
		once    sync.Once
		editErr error
	)
	submit := func(ctx context.Context, p engine.Plan) string {
		id := fe.submit(ctx, p)
		// The first status read is under way: another terminal checks
		// out a branch in a (a longer HEAD: a change whatever the
		// clock's resolution).
		once.Do(func() {
			editErr = os.WriteFile(filepath.Join(ws, "a", ".git", "HEAD"), []byte("ref: refs/heads/edited-meanwhile\n"), 0o644)
		})
		return id
	}
	ctx, cancel := context.WithCancel(context.Background())
	stop := make(chan struct{})
	p := newPump()
	go p.run(fe.events, stop)
	t.Cleanup(func() {
		close(stop)
		cancel()
	})
	opt := Options{Root: ws, Repos: repos, Now: func() time.Time { return testNow },
		Getenv: func(string) string { return "" }}
	m := newModel(opt, keys.Default(), deps{
		ctx: ctx, cancel: cancel, submit: submit, pump: p, stop: stop, refresh: true,
		// The shortest interval: the duty cycle alone spaces the sweeps.
		watch: newWatcher(time.Nanosecond),
	})
	startVT(t, m, 100, 20)

	first := fe.nextPlan(t)
	if got := jobIDs(first.plan); !allOp(first.plan, engine.OpStatus) || !slices.Equal(sorted(got), []string{"a", "b"}) {
		t.Fatalf("first plan: %+v, want the status of a and b", first.plan)
	}
	next := fe.nextPlan(t)
	if editErr != nil {
		t.Fatal(editErr)
	}
	if got := jobIDs(next.plan); !allOp(next.plan, engine.OpStatus) || !slices.Equal(got, []string{"a"}) {
		t.Fatalf("after the edit: %+v, want the status of a", next.plan)
	}
}

// The status is not read before the first frame: the first size arms
// the deferred start (once, not again on a resize), which takes the
// watcher's baseline and only then reads every row's status; the
// periodic refresh does not come first either.
func TestFirstStatusAfterFirstFrame(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rec := &recorder{}
	m := newModel(fixture(t), keys.Default(), deps{ctx: ctx, cancel: cancel, submit: rec.submit, refresh: true})
	next, arm := m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m = next.(model)
	if arm == nil || len(rec.plans) != 0 {
		t.Fatalf("first size: armed %v, plans %d; want armed, no plan", arm != nil, len(rec.plans))
	}
	next, again := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = next.(model)
	if again != nil {
		t.Fatal("a resize armed the start again")
	}
	painted := arm()
	if _, ok := painted.(paintedMsg); !ok {
		t.Fatalf("armed command gave %#v, want paintedMsg", painted)
	}
	m = update(t, m, refreshTickMsg{})
	if len(rec.plans) != 0 {
		t.Fatalf("the periodic refresh read status before the first: %+v", rec.plans)
	}
	next, baseline := m.Update(painted)
	m = next.(model)
	if baseline == nil || len(rec.plans) != 0 {
		t.Fatalf("after the first frame: baseline %v, plans %d; want the baseline first", baseline != nil, len(rec.plans))
	}
	m = update(t, m, baseline())
	if len(rec.plans) != 1 || !allOp(rec.plans[0], engine.OpStatus) {
		t.Fatalf("plans %+v, want the status of every row", rec.plans)
	}
	if !m.live.started {
		t.Fatal("the periodic refresh still waits for the first")
	}
}

// allOp says whether every job of p is op.
func allOp(p engine.Plan, op engine.Op) bool {
	for _, j := range p.Jobs {
		if j.Op != op {
			return false
		}
	}
	return len(p.Jobs) > 0
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
