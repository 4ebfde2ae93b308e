package headless

import "github.com/mgit-dev/mgit/secure"

// Sanitize returns s safe to print: terminal control sequences removed
// (ANSI escapes, C0/C1 controls, DEL, bidirectional overrides; newline,
// carriage return and tab become a space; invalid UTF-8 becomes U+FFFD) and
// token shapes masked. It is secure.SafeText, the one sanitizer mgit has;
// the name stays for the callers of this package.
func Sanitize(s string) string { return secure.SafeText(s) }
