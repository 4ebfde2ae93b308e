package manpagetest

import (
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// RequireCleanRender fails t when groff (-ww: every warning) or man -l
// says anything on stderr about one of files. Without either tool it
// skips. The files are checked by as many workers as the process has
// CPUs: man -l runs a pipeline of processes per page, a few hundred
// milliseconds of CPU each, and mgit has dozens of pages.
func RequireCleanRender(t *testing.T, files []string) {
	t.Helper()
	groff, gerr := exec.LookPath("groff")
	man, merr := exec.LookPath("man")
	if gerr != nil && merr != nil {
		t.Skip("neither groff nor man here")
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for f := range work {
				if gerr == nil {
					renderGroff(t, groff, f)
				}
				if merr == nil {
					renderMan(t, man, f)
				}
			}
		})
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
}

func renderGroff(t *testing.T, groff, f string) {
	out, err := exec.Command(groff, "-man", "-ww", "-z", "-Tutf8", f).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff %s: %v\n%s", f, err, out)
	}
}

func renderMan(t *testing.T, man, f string) {
	cmd := exec.Command(man, "--warnings", "-l", f)
	cmd.Env = []string{"MANWIDTH=80", "LANG=C.UTF-8", "PATH=/usr/bin:/bin", "MANPAGER=cat", "PAGER=cat"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 || len(out) == 0 {
		t.Errorf("man -l %s: %v\n%s", f, err, stderr.String())
	}
}
