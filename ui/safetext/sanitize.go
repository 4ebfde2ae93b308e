package safetext

import (
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/secure"
)

// Sanitize returns s safe to print or draw: terminal control sequences
// removed by secure.Sanitize (ANSI escapes, C0/C1 controls, DEL,
// bidirectional overrides; newline, carriage return and tab become a
// space; invalid UTF-8 becomes U+FFFD), then credential shapes masked by
// redact.Text, the one list of them. See the package doc for why it
// lives here.
func Sanitize(s string) string { return redact.Text(secure.Sanitize(s)) }
