package termtext

import "testing"

func TestFit(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"abc", 3, "abc"},
		{"日本語", 4, "日… "},
		{"x", 0, ""},
	}
	for _, c := range cases {
		if got := Fit(c.in, c.w); got != c.want {
			t.Errorf("Fit(%q,%d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if c.w > 0 && Width(Fit(c.in, c.w)) != c.w {
			t.Errorf("Fit(%q,%d) width %d", c.in, c.w, Width(Fit(c.in, c.w)))
		}
	}
	if got := FitLeft("github.com/org/repo", 10); got != "…/org/repo" {
		t.Errorf("FitLeft = %q", got)
	}
}
