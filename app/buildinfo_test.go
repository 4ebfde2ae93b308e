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
