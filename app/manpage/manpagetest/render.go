package manpagetest

import (
	"os/exec"
	"strings"
	"testing"
)

// RequireCleanRender fails t when groff (-ww: every warning) or man -l
// says anything on stderr about one of files. Without either tool it
// skips.
func RequireCleanRender(t *testing.T, files []string) {
	t.Helper()
	groff, gerr := exec.LookPath("groff")
	man, merr := exec.LookPath("man")
	if gerr != nil && merr != nil {
		t.Skip("neither groff nor man here")
	}
	for _, f := range files {
		if gerr == nil {
			out, err := exec.Command(groff, "-man", "-ww", "-z", "-Tutf8", f).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("groff %s: %v\n%s", f, err, out)
			}
		}
		if merr == nil {
			cmd := exec.Command(man, "--warnings", "-l", f)
			cmd.Env = []string{"MANWIDTH=80", "LANG=C.UTF-8", "PATH=/usr/bin:/bin", "MANPAGER=cat", "PAGER=cat"}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 || len(out) == 0 {
				t.Errorf("man -l %s: %v\n%s", f, err, stderr.String())
			}
		}
	}
}
