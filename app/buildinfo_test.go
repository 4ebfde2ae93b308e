package app

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestVersionCarriesCommit: the commit stamped with -X app.buildCommit (as
// the Dockerfile and the release workflow do) is in `mgit version`, text
// and JSON. The variable is set here as the linker would set it; the test
// is not parallel and restores it.
func TestVersionCarriesCommit(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	old := buildCommit
	buildCommit = rev
	t.Cleanup(func() { buildCommit = old })

	code, out, _ := run(t, nil, "version")
	if code != 0 || !strings.Contains(out, "(commit "+rev+", go") {
		t.Errorf("version: %d %q, want the commit", code, out)
	}
	code, out, _ = run(t, nil, "version", "-o", "json")
	var v map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["commit"] != rev {
		t.Errorf("version json: %d %q, want commit %s", code, out, rev)
	}
	if commit() != rev {
		t.Errorf("commit() = %q", commit())
	}
}

// TestVersionFlag: `mgit --version` (and -v) prints "mgit VERSION" — not
// cobra's "mgit version VERSION" — before anything else runs: whatever the
// arguments, a missing configuration file or a directory that is not there.
// mgit handles the flag itself (app.go) to keep text/template out of the
// binary; this pins what cobra's template printed.
func TestVersionFlag(t *testing.T) {
	want := "mgit " + version() + "\n"
	for _, args := range [][]string{
		{"--version"},
		{"-v", "no-such-dir"},
		{"--version", "--config", "/nonexistent/mgit.yaml", "--no-tui"},
	} {
		code, out, errOut := run(t, nil, args...)
		if code != 0 || out != want || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0, %q", args, code, out, errOut, want)
		}
	}
	if code, out, _ := run(t, nil, "--help"); code != 0 || !strings.Contains(out, "-v, --version") {
		t.Errorf("--help: exit %d, no -v, --version in:\n%s", code, out)
	}
	if code, _, _ := run(t, nil, "status", "--version"); code != 2 {
		t.Errorf("status --version: exit %d, want 2 (the flag is the root's only)", code)
	}
}
