package headless

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// wideStatus is a status run whose full table is 155 columns wide: a long
// path and branch and a 62-character commit subject.
func wideStatus() (<-chan engine.Event, map[string]string) {
	const subject = "Retry transient failures with exponential backoff and jitter.."
	pay := &git.Status{Branch: "feature/retry-backoff", Upstream: "origin/feature/retry-backoff", Ahead: 2, Behind: 1,
		Staged: 1, Unstaged: 2, Untracked: 3, Stash: 1,
		Head: git.Commit{SHA: "2222222bbbb", Subject: subject, Time: t0.Add(-2 * time.Hour)}}
	web := &git.Status{Branch: "main", Upstream: "origin/main", Behind: 4,
		Head: git.Commit{SHA: "1111111aaaa", Subject: "init", Time: t0.Add(-3 * 24 * time.Hour)}}
	return stream(statusDone("pay", pay, nil), statusDone("web", web, nil),
			finished(engine.Summary{OK: 2, Duration: time.Second})),
		map[string]string{"pay": "github.com/acme/payments-service", "web": "github.com/acme/web"}
}

// statusAt presents wideStatus's run fitted to width and returns the
// table's lines (the summary line left off).
func statusAt(t *testing.T, width int, decorate bool) []string {
	t.Helper()
	events, paths := wideStatus()
	var out bytes.Buffer
	if _, err := Present(events, &out, Options{Format: FormatText, RunID: "r1", StatusTable: true,
		Now: func() time.Time { return t0 }, Paths: paths, Width: width, Decorate: decorate}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "2 repositories") {
		t.Fatalf("want header, two rows and the summary:\n%s", out.String())
	}
	return lines[:3]
}

func TestStatusTableFitsWidth(t *testing.T) {
	for _, tc := range []struct {
		width   int
		headers []string
		row     string // the payments-service row
	}{
		{0, []string{"PATH", "BRANCH", "STATE", "↑↓", "CHANGES", "STASH", "LAST COMMIT"},
			"github.com/acme/payments-service  feature/retry-backoff  dirty   ↑2 ↓1  +1 ~2 ?3  1      " +
				"2h  Retry transient failures with exponential backoff and jitter.."},
		{120, []string{"PATH", "BRANCH", "STATE", "↑↓", "CHANGES", "STASH", "LAST COMMIT"},
			"github.com/acme/payments-service  feature/retry-backoff  dirty   ↑2 ↓1  +1 ~2 ?3  1      " +
				"2h  Retry transient failures w…"},
		// The stash count and the last commit go first; the branch gets
		// back the room their dropping freed.
		{80, []string{"PATH", "BRANCH", "STATE", "↑↓", "CHANGES"},
			"github.com/acme/payments-service  feature/retry-backoff  dirty   ↑2 ↓1  +1 ~2 ?3"},
		// Only what names a row and its state, and a shortened branch.
		{60, []string{"PATH", "BRANCH", "STATE"},
			"github.com/acme/payments-service  feature/retry-bac…  dirty"},
	} {
		lines := statusAt(t, tc.width, false)
		if got := strings.Fields(strings.ReplaceAll(lines[0], "LAST COMMIT", "LAST_COMMIT")); !reflect.DeepEqual(got,
			strings.Fields(strings.ReplaceAll(strings.Join(tc.headers, " "), "LAST COMMIT", "LAST_COMMIT"))) {
			t.Errorf("width %d: header %q, want columns %q", tc.width, lines[0], tc.headers)
		}
		if lines[1] != tc.row {
			t.Errorf("width %d: row\n%q\nwant\n%q", tc.width, lines[1], tc.row)
		}
		for _, l := range lines {
			if w := uniseg.StringWidth(l); tc.width > 0 && w > tc.width {
				t.Errorf("width %d: line is %d columns: %q", tc.width, w, l)
			}
		}
		// Columns stay aligned: STATE starts at the same column in
		// every line.
		at := uniseg.StringWidth(lines[0][:strings.Index(lines[0], "STATE")])
		for _, l := range lines[1:] {
			if i := strings.Index(l, "dirty") + strings.Index(l, "behind") + 1; uniseg.StringWidth(l[:i]) != at {
				t.Errorf("width %d: STATE misaligned in %q", tc.width, l)
			}
		}
	}
}

func TestStatusTableFitsWidthDecorated(t *testing.T) {
	for _, l := range statusAt(t, 60, true) {
		plain := l
		for _, code := range []string{styleReset, styleBold, styleRed, styleYellow, styleGreen, styleDim} {
			plain = strings.ReplaceAll(plain, code, "")
		}
		if plain == l {
			t.Errorf("no decoration in %q", l)
		}
		if w := uniseg.StringWidth(plain); w > 60 {
			t.Errorf("decorated line is %d columns: %q", w, plain)
		}
	}
}

func TestTableWideCharacters(t *testing.T) {
	tab := Table{
		Columns: []Column{{Header: "NAME", Priority: 9, Keep: true, Min: 6}, {Header: "NOTE", Priority: 1, Min: 6}},
		Rows:    [][]string{{"日本語のリポジトリ", "説明がとても長いです"}, {"ascii", "short"}},
		Width:   30,
	}
	lines := tab.Lines()
	want := []string{
		"NAME                NOTE",
		"日本語のリポジトリ  説明がと…",
		"ascii               short",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range lines {
		if w := uniseg.StringWidth(l); w > 30 {
			t.Errorf("line %q is %d columns", l, w)
		}
	}
}

func TestTableKeptColumnsShortenLast(t *testing.T) {
	tab := Table{
		Columns: []Column{
			{Header: "REPOSITORY", Priority: 9, Keep: true, Min: 12},
			{Header: "STATE", Priority: 8, Keep: true},
			{Header: "FLAGS", Priority: 1},
		},
		Rows:  [][]string{{"acme/a-very-long-repository-name", "clean", "private"}},
		Width: 30,
	}
	// FLAGS goes; then the name is shortened, the state never.
	want := []string{"REPOSITORY               STATE", "acme/a-very-long-repos…  clean"}
	if got := tab.Lines(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTerminalWidthNotATerminal(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "COLUMNS" {
				return v
			}
			return ""
		}
	}
	var buf bytes.Buffer
	for cols, want := range map[string]int{"": 0, "100": 100, " 72 ": 72, "0": 0, "-5": 0, "wide": 0} {
		if got := TerminalWidth(&buf, env(cols)); got != want {
			t.Errorf("COLUMNS=%q on a buffer: %d, want %d", cols, got, want)
		}
	}
}

func TestTableKeepEnd(t *testing.T) {
	tab := Table{
		Columns: []Column{{Header: "PATH", Priority: 9, Keep: true, Min: 8, KeepEnd: true}, {Header: "STATE", Priority: 8, Keep: true}},
		Rows:    [][]string{{"/home/jane/src/github.com/acme/日本語-repo", "clean"}},
		Width:   24,
	}
	// 24 - "  clean": 17 columns for the path, its end kept whole.
	want := []string{"PATH               STATE", "…acme/日本語-repo  clean"}
	if got := tab.Lines(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
