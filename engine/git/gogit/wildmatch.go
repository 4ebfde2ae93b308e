package gogit

// This file is a line-by-line port of git's wildmatch.c (git 2.39), the
// matcher behind .gitattributes patterns. go-git's own matcher disagrees
// with git on some patterns (see FACTS.md), and an attribute that matches
// where git's does not would write a different file, so the port keeps
// git's control flow, including its early-abort results.

const (
	wmMatch          = 0
	wmNoMatch        = 1
	wmAbortAll       = -1
	wmAbortToStarStr = -2

	wmPathname = 1 // '*' and '?' do not match '/'
)

// wildmatch reports whether text matches pattern as git's wildmatch does
// with the given flags (wmPathname or 0; never case folding: core.ignoreCase
// is refused before attributes are read).
func wildmatch(pattern, text string, flags int) bool {
	return dowild([]byte(pattern), []byte(text), flags) == wmMatch
}

// at returns s[i], or 0 past the end: git's strings are NUL-terminated and
// the algorithm relies on reading that NUL.
func at(s []byte, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isGlobSpecial(c byte) bool { return c == '*' || c == '?' || c == '[' || c == '\\' }

func indexByte(s []byte, from int, c byte) int {
	for i := from; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func dowild(pat, text []byte, flags int) int {
	p, t := 0, 0
	for ; at(pat, p) != 0; t, p = t+1, p+1 {
		pch := at(pat, p)
		tch := at(text, t)
		if tch == 0 && pch != '*' {
			return wmAbortAll
		}
		switch pch {
		case '\\':
			p++
			if tch != at(pat, p) {
				return wmNoMatch
			}
			continue
		case '?':
			if flags&wmPathname != 0 && tch == '/' {
				return wmNoMatch
			}
			continue
		case '*':
			r, next, nt, done := star(pat, text, p, t, flags)
			if done {
				return r
			}
			p, t = next, nt
			continue
		case '[':
			r, next := class(pat, p, tch, flags)
			if r != wmMatch {
				return r
			}
			p = next
			continue
		default:
			if tch != pch {
				return wmNoMatch
			}
			continue
		}
	}
	if t < len(text) {
		return wmNoMatch
	}
	return wmMatch
}

// star handles a '*' at pat[p]. It either decides the match (done) or, for
// "*/" under wmPathname, returns where the outer loop continues.
func star(pat, text []byte, p, t, flags int) (result, np, nt int, done bool) {
	var matchSlash bool
	p++
	if at(pat, p) == '*' {
		prev := p - 2
		for p++; at(pat, p) == '*'; p++ {
		}
		if (prev < 0 || pat[prev] == '/') &&
			(at(pat, p) == 0 || at(pat, p) == '/' || (at(pat, p) == '\\' && at(pat, p+1) == '/')) {
			if at(pat, p) == '/' && dowild(pat[p+1:], text[t:], flags) == wmMatch {
				return wmMatch, 0, 0, true
			}
			matchSlash = true
		} else {
			matchSlash = false
		}
	} else {
		matchSlash = flags&wmPathname == 0
	}
	if at(pat, p) == 0 {
		if !matchSlash && indexByte(text, t, '/') >= 0 {
			return wmNoMatch, 0, 0, true
		}
		return wmMatch, 0, 0, true
	}
	if !matchSlash && at(pat, p) == '/' {
		slash := indexByte(text, t, '/')
		if slash < 0 {
			return wmNoMatch, 0, 0, true
		}
		// The slash is consumed by the caller's loop increment, which
		// also steps p past the '/' in the pattern.
		return 0, p, slash, false
	}
	tch := at(text, t)
	for {
		if tch == 0 {
			break
		}
		if !isGlobSpecial(at(pat, p)) {
			pch := at(pat, p)
			for tch = at(text, t); tch != 0 && (matchSlash || tch != '/'); tch = at(text, t) {
				if tch == pch {
					break
				}
				t++
			}
			if tch != pch {
				return wmNoMatch, 0, 0, true
			}
		}
		m := dowild(pat[p:], text[t:], flags)
		if m != wmNoMatch {
			if !matchSlash || m != wmAbortToStarStr {
				return m, 0, 0, true
			}
		} else if !matchSlash && tch == '/' {
			return wmAbortToStarStr, 0, 0, true
		}
		t++
		tch = at(text, t)
	}
	return wmAbortAll, 0, 0, true
}

// class matches the bracket expression at pat[p] against tch and returns
// the index of its closing ']'.
func class(pat []byte, p int, tch byte, flags int) (int, int) {
	p++
	pch := at(pat, p)
	if pch == '^' {
		pch = '!'
	}
	negated := pch == '!'
	if negated {
		p++
		pch = at(pat, p)
	}
	var prev byte
	matched := false
	for {
		if pch == 0 {
			return wmAbortAll, 0
		}
		switch {
		case pch == '\\':
			p++
			pch = at(pat, p)
			if pch == 0 {
				return wmAbortAll, 0
			}
			if tch == pch {
				matched = true
			}
		case pch == '-' && prev != 0 && at(pat, p+1) != 0 && at(pat, p+1) != ']':
			p++
			pch = at(pat, p)
			if pch == '\\' {
				p++
				pch = at(pat, p)
				if pch == 0 {
					return wmAbortAll, 0
				}
			}
			if tch <= pch && tch >= prev {
				matched = true
			}
			pch = 0 // so that prev becomes 0
		case pch == '[' && at(pat, p+1) == ':':
			p += 2
			s := p
			for pch = at(pat, p); pch != 0 && pch != ']'; pch = at(pat, p) {
				p++
			}
			if pch == 0 {
				return wmAbortAll, 0
			}
			i := p - s - 1
			if i < 0 || pat[p-1] != ':' {
				// No ":]": a plain '[' in the set.
				p = s - 2
				pch = '['
				if tch == pch {
					matched = true
				}
				break
			}
			ok, known := charClass(string(pat[s:s+i]), tch)
			if !known {
				return wmAbortAll, 0
			}
			if ok {
				matched = true
			}
			pch = 0
		default:
			if tch == pch {
				matched = true
			}
		}
		prev = pch
		p++
		pch = at(pat, p)
		if pch == ']' {
			break
		}
	}
	if matched == negated || (flags&wmPathname != 0 && tch == '/') {
		return wmNoMatch, 0
	}
	return wmMatch, p
}

// charClass evaluates a POSIX class by git's (ASCII) definitions.
func charClass(name string, c byte) (match, known bool) {
	isLower := c >= 'a' && c <= 'z'
	isUpper := c >= 'A' && c <= 'Z'
	isDigit := c >= '0' && c <= '9'
	isAlpha := isLower || isUpper
	isSpace := c == ' ' || c == '\t' || c == '\n' || c == '\r' // git's sane ctype
	isPrint := c >= 0x20 && c < 0x7f
	isGraph := isPrint && !isSpace
	switch name {
	case "alnum":
		return isAlpha || isDigit, true
	case "alpha":
		return isAlpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return isDigit, true
	case "graph":
		return isGraph, true
	case "lower":
		return isLower, true
	case "print":
		return isPrint, true
	case "punct":
		return isGraph && !isAlpha && !isDigit, true
	case "space":
		return isSpace, true
	case "upper":
		return isUpper, true
	case "xdigit":
		return isDigit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'), true
	}
	return false, false
}
