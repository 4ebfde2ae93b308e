package quickstatus

import (
	"os"
	"path/filepath"
	"testing"
)

// A global configuration with includes (a work identity for one tree is
// common) is followed as git follows it, so such users keep the fast
// path; what the included file sets counts.
func TestIncludedConfig(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	inc := filepath.Join(t.TempDir(), "work.inc")
	if err := os.WriteFile(inc, []byte("[user]\n\temail = work@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "", "config", "--global", "includeIf.gitdir:/.path", inc)
	agree(t, clone)
	// An included core.ignoreCase is seen: quickstatus then asks git.
	if err := os.WriteFile(inc, []byte("[core]\n\tignoreCase = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantSlow(t, clone)
}
