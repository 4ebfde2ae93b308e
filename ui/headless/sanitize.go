package headless

import "github.com/mgit-dev/mgit/secure"

// Sanitize returns s with terminal control sequences removed (ANSI escape
// sequences, C0/C1 controls, DEL, bidirectional overrides; newline, carriage
// return and tab become a space; invalid UTF-8 becomes U+FFFD), so text from
// repositories and servers can be printed safely. It is secure.Sanitize, the
// one sanitizer mgit has; the name stays for the callers of this package.
func Sanitize(s string) string { return secure.Sanitize(s) }
