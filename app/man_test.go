package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mgit-dev/mgit/app/manpage"
	"github.com/mgit-dev/mgit/app/manpage/manpagetest"
)

// mgit man writes a page for every command --help lists, naming each of
// its flags as --help does; hidden commands (cobra's __complete) get none,
// and groff and man render every page without a warning.
func TestManPages(t *testing.T) {
	t.Parallel()
	// The whole environment of Main: a HOME of the test's own, nothing of
	// the process's (a developer's COLUMNS or MGIT_CONFIG).
	env := map[string]string{"HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	dir := filepath.Join(t.TempDir(), "man1")
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"man", dir}, &out, &errb, getenv); code != 0 {
		t.Fatalf("mgit man: exit %d\n%s", code, errb.String())
	}
	files := strings.Fields(out.String())
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != len(files) || len(files) < 20 {
		t.Fatalf("%d files written, %d printed: %v", len(entries), len(files), err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "__") || e.Name() == "mgit-help.1" {
			t.Errorf("page for a hidden command: %s", e.Name())
		}
	}
	for _, need := range []string{"mgit.1", "mgit-status.1", "mgit-config-path.1", "mgit-completion-bash.1", "mgit-man.1"} {
		if _, err := os.Stat(filepath.Join(dir, need)); err != nil {
			t.Errorf("no %s: %v", need, err)
		}
	}

	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		b, err := os.ReadFile(filepath.Join(dir, manpage.Name(cmd)+".1"))
		if err != nil {
			t.Errorf("command %q has no page: %v", cmd.CommandPath(), err)
			return
		}
		page := string(b)
		for _, sub := range cmd.Commands() {
			if manpage.Documented(sub) && !strings.Contains(page, `\fB`+strings.ReplaceAll(sub.Name(), "-", `\-`)+`\fR`) {
				t.Errorf("%s does not list %s", manpage.Name(cmd), sub.Name())
			}
		}
		check := func(f *pflag.Flag) {
			if !f.Hidden && !strings.Contains(page, `\fB\-\-`+strings.ReplaceAll(f.Name, "-", `\-`)+`\fR`) {
				t.Errorf("%s lacks --%s", manpage.Name(cmd), f.Name)
			}
		}
		cmd.NonInheritedFlags().VisitAll(check)
		cmd.InheritedFlags().VisitAll(check)
		for _, sub := range cmd.Commands() {
			if manpage.Documented(sub) {
				walk(sub)
			}
		}
	}
	walk(NewCmdRoot(&Factory{getenv: getenv}))
	manpagetest.RequireCleanRender(t, files)
}
