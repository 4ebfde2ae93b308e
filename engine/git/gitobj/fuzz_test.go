package gitobj

import "testing"

// The parsers read files anyone can write into a repository; none of them
// may panic, whatever the bytes.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"[core]\n\tbare = true\n", `[a "b\"c"] k = "v # x" ; c`, "[x]\nk\n", "[", "k=\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err == nil {
			for _, n := range c.Names() {
				_, _ = c.Bool(n, false)
				_, _ = c.Int(n, 0)
			}
		}
	})
}

func FuzzIgnore(f *testing.F) {
	f.Add("[!a]x\nabc/**\n!*.log\n/a/**/b/\n[[:alpha:]-z]\n\\ \n", "a/b/ax")
	f.Fuzz(func(t *testing.T, patterns, path string) {
		l, err := ParseIgnore([]byte(patterns), "")
		if err != nil {
			return
		}
		ig := NewIgnore(l)
		_ = ig.Excluded(path, false)
		_ = ig.Excluded(path, true)
	})
}
