package safetext

import "testing"

func TestBlock(t *testing.T) {
	in := "one\x1b[31m\r\n\x1b]0;pwned\x07two\tcol\x07\n\nlast\u202e"
	if got, want := Block(in), "one\ntwo\tcol\n\nlast"; got != want {
		t.Fatalf("Block = %q, want %q", got, want)
	}
}
