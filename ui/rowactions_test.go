package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/workspace"
)

func TestWebURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://github.com/acme/app.git":                  "https://github.com/acme/app",
		"https://user:secret@gitlab.example.com/g/sub/app": "https://gitlab.example.com/g/sub/app",
		"git@github.com:acme/app.git":                      "https://github.com/acme/app",
		"ssh://git@git.example.com:2222/team/app.git":      "https://git.example.com/team/app",
		"git@ssh.dev.azure.com:v3/org/proj/app":            "https://dev.azure.com/org/proj/_git/app",
		"https://dev.azure.com/org/proj/_git/app":          "https://dev.azure.com/org/proj/_git/app",
	} {
		if got, err := webURL(raw); err != nil || got != want {
			t.Errorf("webURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	if got, err := webURL("/srv/git/app.git"); err == nil {
		t.Errorf("a local remote gave %q", got)
	}
}

// o opens the web page of the row under the cursor in a command: the
// clone URL of a listed row, origin of a cloned one; without a browser
// the URL is shown.
func TestOpenWebPage(t *testing.T) {
	gittest.Isolate(t)
	opt := fixture(t)
	wt := filepath.Join(t.TempDir(), "cloned")
	gittest.InitRepo(t, wt)
	gittest.Git(t, wt, "remote", "add", "origin", "git@github.com:acme/cloned.git")
	opt.Repos = append(opt.Repos, workspace.Repo{Path: wt, Rel: "zz/cloned", Kind: workspace.KindRepo})
	m, _ := newTestModel(t, opt, 120, 40)

	m = update(t, m, press("/"))
	m = update(t, m, typed("acme/new")...)
	m = update(t, m, press("enter"))
	_, cmd := m.Update(press("o"))
	m = update(t, m, cmd())
	mustContain(t, screen(m), "open: https://github.com/acme/new (no browser found)")

	var opened []string
	m.deps.browse = func(u string) error { opened = append(opened, u); return nil }
	m = update(t, m, press("esc"), press("G"))
	_, cmd = m.Update(press("o"))
	m = update(t, m, cmd())
	if strings.Join(opened, ",") != "https://github.com/acme/cloned" {
		t.Fatalf("opened %v", opened)
	}
	mustContain(t, screen(m), "opened https://github.com/acme/cloned")
}

// ! suspends the dashboard for a shell in a cloned repository; back from
// it, the row's status is read again.
func TestShellInRepository(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m.deps.shell = "sh"
	m = update(t, m, press("/"))
	m = update(t, m, typed("acme/new")...)
	m = update(t, m, press("enter"), press("!"))
	mustContain(t, screen(m), "shell: the repository is not cloned")
	m = update(t, m, press("esc"), press("g"))
	if _, cmd := m.Update(press("!")); cmd == nil {
		t.Fatal("! on a cloned row gave no command")
	}
	id := m.table.Cursor().ID
	m = update(t, m, shellDoneMsg{id: id})
	mustContain(t, screen(m), "back from the shell")
	if len(rec.plans) != 1 || rec.plans[0].Jobs[0].Repo.ID != id {
		t.Fatalf("plans %+v, want a status of %s", rec.plans, id)
	}
}
