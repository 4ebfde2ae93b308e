package gitobj

// wildmatch is a line-by-line port of git's wildmatch.c (dowild) without
// case folding, the matcher behind .gitignore: "**" only special between
// slashes, "*" and "?" not crossing "/" when pathname is set, character
// classes with "!" or "^" negation, ranges, "[:alpha:]"-style classes and
// backslash escapes. Text and pattern are byte strings, as in git.

const (
	wmMatch = iota
	wmNoMatch
	wmAbortAll
	wmAbortToStarStar
)

// at returns s[i], or 0 past the end: git's strings end in a NUL.
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isGlobSpecial(c byte) bool { return c == '*' || c == '?' || c == '[' || c == '\\' }

// Wildmatch reports whether text matches pattern as git's wildmatch does
// (no case folding); pathname is WM_PATHNAME. The one port in the module:
// ignore rules here and .gitattributes in the go-git backend use it.
func Wildmatch(pattern, text string, pathname bool) bool {
	return wildmatch(pattern, text, pathname)
}

// wildmatch reports whether text matches pattern; pathname is WM_PATHNAME.
func wildmatch(pattern, text string, pathname bool) bool {
	return dowild(pattern, 0, text, 0, pathname) == wmMatch
}

func dowild(pat string, p int, text string, t int, pathname bool) int {
	for ; at(pat, p) != 0; t, p = t+1, p+1 {
		pCh := pat[p]
		tCh := at(text, t)
		if tCh == 0 && pCh != '*' {
			return wmAbortAll
		}
		switch pCh {
		case '\\':
			p++
			pCh = at(pat, p)
			if tCh != pCh {
				return wmNoMatch
			}
			continue
		case '?':
			if pathname && tCh == '/' {
				return wmNoMatch
			}
			continue
		case '*':
			r, np, nt, cont := matchStar(pat, p, text, t, pathname)
			if !cont {
				return r
			}
			p, t = np, nt
			continue
		case '[':
			np, ok := matchClass(pat, p, tCh, pathname)
			if np < 0 {
				return wmAbortAll
			}
			if !ok {
				return wmNoMatch
			}
			p = np
			continue
		default:
			if tCh != pCh {
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

// matchStar is dowild's '*' case at pat[p]: it returns a result, or (cont)
// the positions from which the caller's loop goes on.
func matchStar(pat string, p int, text string, t int, pathname bool) (result, np, nt int, cont bool) {
	tCh := at(text, t)
	var matchSlash bool
	p++
	if at(pat, p) == '*' {
		prev := p - 2
		for p++; at(pat, p) == '*'; p++ {
		}
		if (prev < 0 || pat[prev] == '/') &&
			(at(pat, p) == 0 || at(pat, p) == '/' || (at(pat, p) == '\\' && at(pat, p+1) == '/')) {
			if at(pat, p) == '/' && dowild(pat, p+1, text, t, pathname) == wmMatch {
				return wmMatch, 0, 0, false
			}
			matchSlash = true
		} else {
			matchSlash = false
		}
	} else {
		matchSlash = !pathname
	}
	if at(pat, p) == 0 {
		// Trailing "**" matches everything; trailing "*" only
		// when no slash is left.
		if !matchSlash && indexByteFrom(text, t, '/') >= 0 {
			return wmNoMatch, 0, 0, false
		}
		return wmMatch, 0, 0, false
	} else if !matchSlash && at(pat, p) == '/' {
		// One star then a slash matches the next directory.
		slash := indexByteFrom(text, t, '/')
		if slash < 0 {
			return wmNoMatch, 0, 0, false
		}
		// The slash is consumed by the caller's loop.
		return 0, p, slash, true
	}
	for {
		if tCh == 0 {
			break
		}
		// A literal after the star: skip ahead to it.
		if !isGlobSpecial(at(pat, p)) {
			pc := at(pat, p)
			for {
				tCh = at(text, t)
				if tCh == 0 || (!matchSlash && tCh == '/') {
					break
				}
				if tCh == pc {
					break
				}
				t++
			}
			if tCh != pc {
				return wmNoMatch, 0, 0, false
			}
		}
		if m := dowild(pat, p, text, t, pathname); m != wmNoMatch {
			if !matchSlash || m != wmAbortToStarStar {
				return m, 0, 0, false
			}
		} else if !matchSlash && tCh == '/' {
			return wmAbortToStarStar, 0, 0, false
		}
		t++
		tCh = at(text, t)
	}
	return wmAbortAll, 0, 0, false
}

// matchClass matches tCh against the bracket expression at pat[p] ('['),
// returning the index of its closing ']' (-1: malformed, git's
// WM_ABORT_ALL) and whether it matched.
func matchClass(pat string, p int, tCh byte, pathname bool) (int, bool) {
	p++
	pCh := at(pat, p)
	if pCh == '^' {
		pCh = '!'
	}
	negated := pCh == '!'
	if negated {
		p++
		pCh = at(pat, p)
	}
	var prev byte
	matched := false
	for {
		if pCh == 0 {
			return -1, false
		}
		switch {
		case pCh == '\\':
			p++
			pCh = at(pat, p)
			if pCh == 0 {
				return -1, false
			}
			if tCh == pCh {
				matched = true
			}
		case pCh == '-' && prev != 0 && at(pat, p+1) != 0 && at(pat, p+1) != ']':
			p++
			pCh = at(pat, p)
			if pCh == '\\' {
				p++
				pCh = at(pat, p)
				if pCh == 0 {
					return -1, false
				}
			}
			if tCh <= pCh && tCh >= prev {
				matched = true
			}
			pCh = 0 // prev becomes 0
		case pCh == '[' && at(pat, p+1) == ':':
			var in, ok bool
			p, pCh, in, ok = matchNamedClass(pat, p, tCh)
			if !ok {
				return -1, false
			}
			if in {
				matched = true
			}
		default:
			if tCh == pCh {
				matched = true
			}
		}
		prev = pCh
		p++
		pCh = at(pat, p)
		if pCh == ']' {
			break
		}
	}
	if matched == negated || (pathname && tCh == '/') {
		return p, false
	}
	return p, true
}

// matchNamedClass reads "[:name:]" at pat[p] ('[' then ':') inside a
// bracket expression. It returns the index of the last byte read, the
// byte that becomes the previous one for a following range (0 after a
// class), whether tCh is in it, and ok false when the expression is
// malformed. Without a closing ":]" the '[' is a plain character.
func matchNamedClass(pat string, p int, tCh byte) (end int, prev byte, in, ok bool) {
	p += 2
	s := p
	for at(pat, p) != 0 && at(pat, p) != ']' {
		p++
	}
	if at(pat, p) == 0 {
		return p, 0, false, false
	}
	i := p - s - 1
	if i < 0 || pat[p-1] != ':' {
		// No ":]": a plain '['.
		return s - 2, '[', tCh == '[', true
	}
	in, known := charClass(pat[s:s+i], tCh)
	if !known {
		return p, 0, false, false
	}
	return p, 0, in, true
}

// charClass is wildmatch's "[:name:]" test with git's ASCII-only ctype.
func charClass(name string, c byte) (in, known bool) {
	upper := c >= 'A' && c <= 'Z'
	lower := c >= 'a' && c <= 'z'
	digit := c >= '0' && c <= '9'
	alpha := upper || lower
	switch name {
	case "alnum":
		return alpha || digit, true
	case "alpha":
		return alpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return digit, true
	case "graph":
		return c > 0x20 && c < 0x7f, true
	case "lower":
		return lower, true
	case "print":
		return c >= 0x20 && c < 0x7f, true
	case "punct":
		return c > 0x20 && c < 0x7f && !alpha && !digit, true
	case "space":
		return c == ' ' || c == '\t' || c == '\n' || c == '\r', true
	case "upper":
		return upper, true
	case "xdigit":
		return digit || (c|0x20) >= 'a' && (c|0x20) <= 'f', true
	}
	return false, false
}

func indexByteFrom(s string, from int, c byte) int {
	for i := from; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
