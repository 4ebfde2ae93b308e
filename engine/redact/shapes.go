package redact

import "strings"

// tokenShape is a provider token format recognised by its prefix: the
// prefix, then at least min characters of its alphabet.
type tokenShape struct {
	prefix string
	min    int
	body   func(byte) bool
}

// tokenShapes are the token formats masked even when never registered (a
// token pasted into a URL, echoed by a server, or read by git from a
// credential helper mgit does not know about). The minimum lengths are
// below the real ones (GitHub classic: 36, fine-grained: 82; GitLab: 20;
// Bitbucket app passwords: 32, API tokens: ~190) and far above ordinary
// words that happen to start like a prefix.
//
// It is a function returning an array, not a package variable, so nothing
// can modify the table and a call allocates nothing.
func tokenShapes() [15]tokenShape {
	return [15]tokenShape{
		{"ghp_", 20, isAlnum}, {"gho_", 20, isAlnum}, {"ghu_", 20, isAlnum},
		{"ghs_", 20, isAlnum}, {"ghr_", 20, isAlnum},
		{"github_pat_", 22, isWord},
		{"glpat-", 20, isGitLab}, {"glptt-", 20, isGitLab}, {"gldt-", 20, isGitLab},
		{"glrt-", 20, isGitLab}, {"glcbt-", 20, isGitLab}, {"gloas-", 20, isGitLab},
		{"ATBB", 24, isAlnum},
		{"ATCTT", 24, isAtlassian}, {"ATATT", 24, isAtlassian},
	}
}

// Mask replaces a secret in redacted text.
const Mask = "[REDACTED]"

// Text masks what looks like a credential in s:
//   - provider tokens by prefix (tokenShapes);
//   - Azure DevOps personal access tokens: a word of exactly 52 characters
//     of lower-case base32 (a-z, 2-7) with at least one digit and one
//     letter, or of exactly 84 letters and digits mixing upper case, lower
//     case and digits (the newer format). Git object names (40 or 64 hex
//     digits) and ordinary words are neither;
//   - the password of a URL (scheme://user:PASSWORD@host);
//   - the value of an Authorization or PRIVATE-TOKEN header, in header,
//     JSON or key=value form ("Authorization: Bearer X" keeps "Bearer");
//   - the value of a query parameter that carries a credential (see Param)
//     in a URL's query: "?private_token=X" or "&sig=X".
//
// Words are runs of ASCII letters and digits: a token glued to other
// letters is not one (so "prefixghp_…" stays, which no formatter produces).
// It returns s itself when nothing matched.
func Text(s string) string {
	var b strings.Builder
	last := 0 // s[:last] is in b already
	mask := func(i, j int) {
		if last == 0 {
			b.Grow(len(s) + len(Mask))
		}
		b.WriteString(s[last:i])
		b.WriteString(Mask)
		last = j
	}
	for i := 0; i < len(s); {
		c := s[i]
		wordStart := isAlnum(c) && (i == 0 || !isAlnum(s[i-1]))
		if wordStart {
			if j := matchToken(s, i); j > i {
				mask(i, j)
				i = j
				continue
			}
			if vs, ve := headerValue(s, i); ve > vs {
				mask(vs, ve)
				i = ve
				continue
			}
		}
		if (c == '?' || c == '&') && i+1 < len(s) {
			if vs, ve := queryValue(s, i+1); ve > vs {
				mask(vs, ve)
				i = ve
				continue
			}
		}
		if c == ':' && strings.HasPrefix(s[i:], "://") {
			if ps, pe := urlPassword(s, i+3); pe > ps {
				mask(ps, pe)
				i = pe
				continue
			}
		}
		i++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// matchToken returns the end of the token starting at s[i], or i.
func matchToken(s string, i int) int {
	switch s[i] {
	case 'g', 'A':
		for _, sh := range tokenShapes() {
			if !strings.HasPrefix(s[i:], sh.prefix) {
				continue
			}
			j := i + len(sh.prefix)
			for j < len(s) && sh.body(s[j]) {
				j++
			}
			if j-i-len(sh.prefix) >= sh.min {
				return j
			}
		}
	}
	k := i
	for k < len(s) && isAlnum(s[k]) {
		k++
	}
	switch w := s[i:k]; len(w) {
	case 52:
		if isADOLegacy(w) {
			return k
		}
	case 84:
		if isADOMixed(w) {
			return k
		}
	}
	return i
}

// isADOLegacy: 52 characters of a-z and 2-7, at least one of each kind.
func isADOLegacy(w string) bool {
	digit, letter := false, false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'a' && c <= 'z':
			letter = true
		case c >= '2' && c <= '7':
			digit = true
		default:
			return false
		}
	}
	return digit && letter
}

// isADOMixed: 84 letters and digits with upper case, lower case and digits
// (the format carries "AZDO" at offset 76, but a token pasted with its
// signature garbled is still a token).
func isADOMixed(w string) bool {
	if w[76:80] == "AZDO" {
		return true
	}
	up, low, dig := false, false, false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'A' && c <= 'Z':
			up = true
		case c >= 'a' && c <= 'z':
			low = true
		case c >= '0' && c <= '9':
			dig = true
		}
	}
	return up && low && dig
}

// headerValue recognises a credential header name starting at s[i]
// followed by ':' or '=' (with quotes and spaces around, as in JSON or
// key=value logs) and returns the span of its credential, else (0, 0).
// "authorization failed" has no separator and is left alone.
func headerValue(s string, i int) (int, int) {
	var name string
	// Header names whose value is a credential.
	for _, h := range [...]string{"authorization", "private-token"} {
		if len(s)-i >= len(h) && strings.EqualFold(s[i:i+len(h)], h) {
			name = h
			break
		}
	}
	if name == "" {
		return 0, 0
	}
	j := i + len(name)
	if j < len(s) && isAlnum(s[j]) {
		return 0, 0 // "authorizations", "authorizationId"
	}
	sep := false
	for n := 0; j < len(s) && n < 6; j, n = j+1, n+1 {
		c := s[j]
		if c == ':' || c == '=' {
			sep = true
		} else if c != ' ' && c != '"' && c != '\'' && c != '\\' && c != '\t' {
			break
		}
	}
	if !sep {
		return 0, 0
	}
	// An auth scheme word followed by spaces stays readable; the
	// credential after it is masked.
	k := j
	for k < len(s) && isLetter(s[k]) {
		k++
	}
	if k < len(s) && k > j && s[k] == ' ' {
		for _, sc := range [...]string{"bearer", "basic", "token", "bot", "negotiate", "ntlm", "digest", "apikey"} {
			if strings.EqualFold(s[j:k], sc) {
				for k < len(s) && s[k] == ' ' {
					k++
				}
				j = k
				break
			}
		}
	}
	if strings.HasPrefix(s[j:], Mask) {
		return 0, 0 // masked already (a registered token)
	}
	e := j
	for e < len(s) && !isValueEnd(s[e]) {
		e++
	}
	if e == j {
		return 0, 0
	}
	return j, e
}

// urlPassword returns the span of the password in the authority starting
// at s[i] (just after "://"), else (0, 0). The last '@' of the authority
// ends the user info, so a password holding a raw '@' is masked whole.
func urlPassword(s string, i int) (int, int) {
	at := -1
	for j := i; j < len(s); j++ {
		c := s[j]
		if c == '/' || c == '?' || c == '#' || c == '\\' || isValueEnd(c) {
			break
		}
		if c == '@' {
			at = j
		}
	}
	if at < 0 {
		return 0, 0
	}
	colon := strings.IndexByte(s[i:at], ':')
	if colon < 0 || i+colon+1 == at || strings.HasPrefix(s[i+colon+1:], Mask) {
		return 0, 0
	}
	return i + colon + 1, at
}

func isValueEnd(c byte) bool {
	return c <= ' ' || c == '"' || c == '\'' || c == ',' || c == ';' || c == '}' || c == ']' || c == '<' || c == '>' || c == 0x7f
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isAlnum(c byte) bool  { return isLetter(c) || (c >= '0' && c <= '9') }
func isWord(c byte) bool   { return isAlnum(c) || c == '_' }
func isGitLab(c byte) bool { return isWord(c) || c == '-' || c == '.' }
func isAtlassian(c byte) bool {
	return isWord(c) || c == '-' || c == '='
}

// Prefixed reports whether v starts with the prefix of a provider token
// format, however short or odd its body: stricter than Text, for checks
// that refuse a value rather than mask it (a cache key must not hold even
// a truncated token).
func Prefixed(v string) bool {
	for _, sh := range tokenShapes() {
		if strings.HasPrefix(v, sh.prefix) {
			return true
		}
	}
	return false
}
