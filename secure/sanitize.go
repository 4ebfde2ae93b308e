package secure

import (
	"strings"
	"unicode/utf8"
)

// Sanitize returns s with terminal control sequences removed, so that text
// from repositories and servers can be printed safely:
//   - ANSI escape sequences (CSI "ESC [ … final", OSC "ESC ] … BEL|ESC \",
//     and two-byte escapes) are dropped whole;
//   - other C0 and C1 control characters and DEL are dropped, except that
//     newline, carriage return and tab become a space (output is line based);
//   - Unicode bidirectional overrides and isolates, which can make text
//     display differently from what it is, are dropped;
//   - invalid UTF-8 becomes U+FFFD.
//
// It is the one terminal sanitizer of mgit: the headless presenter (text
// and every JSON string field) and the dashboard both call it.
func Sanitize(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
			i++
		case r == 0x1b:
			i = skipEscape(s, i+1)
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i+size)
		case r == 0x9d: // C1 OSC
			i = skipOSC(s, i+size)
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
			i += size
		case IsUnsafeRune(r):
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// skipEscape skips what follows an ESC at s[i-1] and returns the index after
// the sequence.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: terminated by BEL or ST
		return skipOSC(s, i+1)
	default:
		// Two-byte escape (ESC c, ESC 7, …); intermediates 0x20–0x2f first.
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) {
			i++
		}
		return i
	}
}

// skipCSI skips parameter and intermediate bytes up to and including the
// final byte (0x40–0x7e).
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c < 0x20 || c > 0x7e:
			// Not part of a CSI: the sequence was cut short. Leave the
			// byte to the main loop.
			return i
		}
		i++
	}
	return i
}

// skipOSC skips a string sequence up to and including BEL or ST (ESC \).
func skipOSC(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case 0x07:
			return i + 1
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		}
		i++
	}
	return i
}

// IsUnsafeRune reports whether r may not reach a terminal as it is: a C0 or
// C1 control character, DEL, or a bidirectional override or isolate.
// Sanitize never returns one.
func IsUnsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r)
}

func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
