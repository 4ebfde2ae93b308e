package termtext

import "testing"

// Sanitize is secure.SafeText (tested there); this pins the delegation so
// the dashboard cannot drift to a weaker copy.
func TestSanitizeDelegates(t *testing.T) {
	for in, want := range map[string]string{
		"a\x1b[31mred\x1b[0m": "ared",
		"x\x07y":              "xy",
		"line\nbreak":         "line break",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
