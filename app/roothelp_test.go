package app

import (
	"regexp"
	"strings"
	"testing"
)

// TestRootHelpSaysDashboard: `mgit --help` says what plain `mgit` does —
// the dashboard on a terminal, the status table otherwise or with
// --no-tui — not only "status".
func TestRootHelpSaysDashboard(t *testing.T) {
	_, out, _ := run(t, map[string]string{}, "--help")
	bare := regexp.MustCompile(`(?m)^\s*mgit\s+#\s*(.*)$`).FindStringSubmatch(out)
	if bare == nil {
		t.Fatalf("no example of plain mgit in:\n%s", out)
	}
	if !strings.Contains(bare[1], "dashboard") || !strings.Contains(bare[1], "status") {
		t.Errorf("plain mgit's example says %q; want the dashboard on a terminal and the status otherwise", bare[1])
	}
	if !regexp.MustCompile(`(?m)^\s*mgit --no-tui\b.*#.*status`).MatchString(out) {
		t.Errorf("no example of mgit --no-tui printing the status in:\n%s", out)
	}
}
