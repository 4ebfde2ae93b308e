package humanize

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

func TestTruncate(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"héllo wörld", 6, "héllo…"},                           // two-byte runes: a byte cut would split ö or é
		{"日本語のテキスト", 7, "日本語…"},                                // wide: three of them and the ellipsis fill 7 columns
		{"日本語のテキスト", 6, "日本…"},                                 // never over the width, even by a half character
		{"e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"}, // an accent stays with its letter
		{"👩‍👩‍👧‍👦 family", 3, "👩‍👩‍👧‍👦…"},                      // a ZWJ sequence is one cluster of width 2
		{"anything", 0, ""},
		{"ab", 1, "…"},
	}
	for _, tc := range cases {
		got := Truncate(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
		if !utf8.ValidString(got) || uniseg.StringWidth(got) > max(tc.width, 0) {
			t.Errorf("Truncate(%q, %d) = %q: invalid or %d columns wide", tc.in, tc.width, got, uniseg.StringWidth(got))
		}
	}
	long := strings.Repeat("ü", 100)
	if got := Truncate(long, 60); utf8.RuneCountInString(got) != 60 || !strings.HasSuffix(got, Ellipsis) {
		t.Errorf("Truncate of 100 ü to 60 = %d runes %q", utf8.RuneCountInString(got), got)
	}
}

func TestSHA(t *testing.T) {
	if got := SHA("0123456789abcdef"); got != "0123456" {
		t.Errorf("SHA = %q", got)
	}
	if got := SHA("abc"); got != "abc" {
		t.Errorf("SHA(short) = %q", got)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "repositories", 1: "repository", 2: "repositories"} {
		if got := Plural(n, "repository", "repositories"); got != want {
			t.Errorf("Plural(%d) = %q", n, got)
		}
	}
}

func TestAge(t *testing.T) {
	day := 24 * time.Hour
	cases := map[time.Duration]string{
		10 * time.Second: "now", 5 * time.Minute: "5m", 3 * time.Hour: "3h", 4 * day: "4d",
		59 * day: "59d", 90 * day: "3mo", 1112 * day: "3y",
	}
	for d, want := range cases {
		if got := Age(d); got != want {
			t.Errorf("Age(%s) = %q, want %q", d, got, want)
		}
	}
}

// The detail pane once said "1112d ago" where the table said "3y".
func TestAgo(t *testing.T) {
	day := 24 * time.Hour
	for d, want := range map[time.Duration]string{time.Second: "just now", 2 * time.Hour: "2h ago", 40 * day: "40d ago", 1112 * day: "3y ago"} {
		if got := Ago(d); got != want {
			t.Errorf("Ago(%s) = %q, want %q", d, got, want)
		}
	}
}
