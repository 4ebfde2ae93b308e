package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestGolden compares whole screens (NO_COLOR, so the files stay
// readable) and checks that no line is wider than the terminal.
func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		keys []string
		// then, when set, these messages (engine results)
		msgs []tea.Msg
	}{
		{"table-80x24", 80, 24, nil, nil},
		{"table-60x20", 60, 20, nil, nil},
		{"table-120x40", 120, 40, nil, nil},
		{"table-200x60", 200, 60, nil, nil},
		{"detail-80x24", 80, 24, []string{"G", "enter"}, nil},
		{"help-80x24", 80, 24, []string{"?"}, nil},
		{"selected-120x40", 120, 40, []string{"space", "space", "s"}, nil},
		{"detail-loaded-80x24", 80, 24, []string{"g", "j", "j", "j", "enter"}, []tea.Msg{inspectResult("run1", "github.com/acme/dirty")}},
		{"detail-loaded-120x40", 120, 40, []string{"g", "j", "j", "j", "enter"}, []tea.Msg{inspectResult("run1", "github.com/acme/dirty")}},
		{"branch-prompt-80x24", 80, 24, append([]string{"a", "b"}, strings.Split("feature/x", "")...), nil},
		{"branch-preview-120x40", 120, 40, append(append([]string{"a", "b"}, strings.Split("feature/x", "")...), "enter"), []tea.Msg{previewResults("run1", "feature/x")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := newTestModel(t, fixture(t), c.w, c.h)
			m = update(t, m, keysOf(c.keys...)...)
			m = update(t, m, c.msgs...)
			got := m.View().Content
			lines := strings.Split(got, "\n")
			if len(lines) != c.h {
				t.Errorf("%d lines, want %d", len(lines), c.h)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > c.w {
					t.Errorf("line %d is %d cells wide (> %d): %q", i, w, c.w, ansi.Strip(l))
				}
			}
			plain := ansi.Strip(got)
			file := filepath.Join("testdata", c.name+".golden")
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(plain), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./ui -run TestGolden -update)", err)
			}
			if plain != string(want) {
				t.Errorf("screen differs from %s:\n--- got\n%s\n--- want\n%s", file, plain, want)
			}
		})
	}
}

// TestColourStyles renders with colours in a light and a dark terminal:
// the text is the same as without colour.
func TestColourStyles(t *testing.T) {
	opt := fixture(t)
	opt.Getenv = func(string) string { return "" }
	m, _ := newTestModel(t, opt, 80, 24)
	dark := m.View().Content
	if !strings.Contains(dark, "\x1b[") {
		t.Fatal("no styling with colour allowed")
	}
	m = update(t, m, lightBackground())
	light := m.View().Content
	if light == dark {
		t.Fatal("light background renders like dark")
	}
	noColor, _ := newTestModel(t, fixture(t), 80, 24)
	if ansi.Strip(light) != ansi.Strip(noColor.View().Content) {
		t.Fatal("colour changes the text")
	}
	if strings.Contains(noColor.View().Content, "38;") {
		t.Fatal("NO_COLOR output has foreground colours")
	}
}
