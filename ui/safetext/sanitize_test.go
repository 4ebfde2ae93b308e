package safetext

import (
	"testing"

	"github.com/mgit-dev/mgit/secure"
)

func TestSanitize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"héllo wörld ✓", "héllo wörld ✓"},
		{"red \x1b[31mtext\x1b[0m", "red text"},
		{"clear\x1b[2J\x1b[H screen", "clear screen"},
		{"title \x1b]0;owned\x07done", "title done"},
		{"title \x1b]0;owned\x1b\\done", "title done"},
		{"hyperlink \x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "hyperlink x"},
		{"dcs \x1bPq#0;2;0;0;0\x1b\\end", "dcs end"},
		{"reset \x1bc now", "reset  now"},
		{"c1 csi \u009b31mred", "c1 csi red"},
		{"bell\x07 bs\x08 del\x7f nul\x00", "bell bs del nul"},
		{"multi\nline\r\ttext", "multi line  text"},
		{"bidi \u202eevil\u202c \u2066x\u2069", "bidi evil x"},
		{"bad utf8 \xff\xfe", "bad utf8 \ufffd\ufffd"},
		{"cut short \x1b[31", "cut short "},
		{"csi then utf8 \x1b[3é", "csi then utf8 é"},
		{"trailing esc \x1b", "trailing esc "},
	}
	for _, c := range cases {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add("a\x1b[31mb")
	f.Add("\x1b]0;x\x07")
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		for _, r := range out {
			if secure.IsUnsafeRune(r) {
				t.Fatalf("Sanitize(%q) = %q keeps control %U", s, out, r)
			}
		}
		if Sanitize(out) != out {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}
