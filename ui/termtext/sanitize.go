package termtext

import "github.com/mgit-dev/mgit/secure"

// Sanitize returns s safe to show in the dashboard: terminal control
// sequences removed (ANSI escapes, C0/C1 controls, DEL, bidirectional
// overrides; newline, carriage return and tab become a space; invalid UTF-8
// becomes U+FFFD) and token shapes masked. It is secure.SafeText, the one
// sanitizer mgit has; the headless presenter calls it too.
func Sanitize(s string) string { return secure.SafeText(s) }
