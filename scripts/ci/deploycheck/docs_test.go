package deploycheck

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDockerGuideStopTimeout: every `docker run` of a long-running sync in
// the docker guide gives Docker a stop timeout longer than sync's grace
// period, or `docker stop` kills the cycle the grace period was meant to
// let finish (Docker's default is 10 s, mgit's --grace 30 s).
func TestDockerGuideStopTimeout(t *testing.T) {
	guide := string(readFile(t, filepath.Join(repoRoot(t), "docs", "deployment", "docker-guide.md")))
	// Each shell command, continuation lines joined.
	cmds := strings.Split(strings.ReplaceAll(guide, "\\\n", " "), "\n")
	stop := regexp.MustCompile(`--stop-timeout[ =](\d+)`)
	grace := regexp.MustCompile(`--grace[ =](\S+)`)
	checked := 0
	for _, c := range cmds {
		if !strings.Contains(c, "docker run -d") {
			continue
		}
		checked++
		g := 30 * time.Second // sync's default --grace
		if m := grace.FindStringSubmatch(c); m != nil {
			d, err := time.ParseDuration(m[1])
			if err != nil {
				t.Fatalf("--grace %q: %v", m[1], err)
			}
			g = d
		}
		m := stop.FindStringSubmatch(c)
		if m == nil {
			t.Errorf("docker run without --stop-timeout (Docker's 10 s default < --grace %s): %s", g, c)
			continue
		}
		s, _ := strconv.Atoi(m[1])
		if time.Duration(s)*time.Second <= g {
			t.Errorf("--stop-timeout %ds is not longer than --grace %s: %s", s, g, c)
		}
	}
	if checked == 0 {
		t.Fatal("the docker guide has no long-running `docker run -d` any more: update this test")
	}
}
