package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// TestHostileNamesRenderSanitized: a folder name or clone URL carrying a
// terminal escape (clear screen) or a bidi override reaches neither the
// table nor the detail pane, while the row keeps its raw ID, path and URL
// for the engine.
func TestHostileNamesRenderSanitized(t *testing.T) {
	const esc, bidi = "\x1b[2J", "\u202e"
	opt := fixture(t)
	localID := "local/evil" + esc + bidi + "dir"
	opt.Repos = append(opt.Repos, workspace.Repo{Path: filepath.Join(opt.Root, localID), Rel: localID, Kind: workspace.KindRepo})
	remoteURL := "https://example.com/x" + esc + bidi + ".git"
	opt.Remote = append(opt.Remote, provider.Repo{Host: "example.com", Org: "org", Name: "bad" + esc + bidi + "repo",
		FullName: "org/badrepo", CloneURL: remoteURL})
	m, _ := newTestModel(t, opt, 140, 40)

	clean := func(what, s string) {
		t.Helper()
		for _, bad := range []string{"\x1b[2J", "[2J", bidi} {
			if strings.Contains(s, bad) {
				t.Fatalf("%s has %q:\n%q", what, bad, s)
			}
		}
	}
	clean("table", m.View().Content)
	mustContain(t, screen(m), "local/evildir", "example.com/org/badrepo")

	remoteID := "example.com/org/bad" + esc + bidi + "repo"
	for _, c := range []struct{ id, filter string }{{localID, "evildir"}, {remoteID, "badrepo"}} {
		r := m.table.Index().Row(c.id)
		if r == nil {
			t.Fatalf("no row keyed by the raw ID %q", c.id)
		}
		// The filter matches what the user sees.
		d := update(t, m, keysOf("/")...)
		d = update(t, d, typed(c.filter)...)
		d = update(t, d, keysOf("enter", "enter")...)
		if got := d.table.Cursor(); got == nil || got.ID != c.id {
			t.Fatalf("filter %q: cursor on %+v", c.filter, got)
		}
		clean("detail of "+c.filter, d.View().Content)
		mustContain(t, screen(d), c.filter)
	}
	r := m.table.Index().Row(remoteID)
	if r.URL != remoteURL || r.Path != filepath.Join(opt.Root, remoteID) {
		t.Fatalf("the row lost its raw URL or path: %+v", r)
	}
	// The detail pane shows the URL without the escape.
	d := update(t, m, keysOf("/")...)
	d = update(t, d, typed("badrepo")...)
	d = update(t, d, keysOf("enter", "enter")...)
	mustContain(t, screen(d), "https://example.com/x.git")
}
