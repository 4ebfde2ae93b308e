package headless

import (
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/secure"
)

// Sanitize returns s safe to print or draw: terminal control sequences
// removed by secure.Sanitize (ANSI escapes, C0/C1 controls, DEL,
// bidirectional overrides; newline, carriage return and tab become a
// space; invalid UTF-8 becomes U+FFFD), then credential shapes masked by
// redact.Text, the one list of them. It is the one sanitizer of remote
// text for both presenters: the dashboard calls it too. It lives here, not
// in secure (which may not import engine/redact) nor in ui/termtext (which
// imports a charmbracelet package this presenter must not).
func Sanitize(s string) string { return redact.Text(secure.Sanitize(s)) }
