package secure

import (
	"sort"
	"strings"
	"sync"
)

// minSecretLen is the shortest value Register accepts: redacting a two- or
// three-character string would mangle ordinary output, and no token is that
// short.
const minSecretLen = 4

// Mask replaces a secret in redacted text.
const Mask = "[REDACTED]"

// Redactor replaces secrets in text: every value registered with it (each
// token the store resolves or stores), and whatever looks like a credential
// even if it was never registered: provider token formats, the password of
// a URL, the value of an Authorization header. Those shapes are not listed
// here: secure imports nothing of the module, so the one list
// (engine/redact) reaches it as the shapes function given to NewRedactor
// by the composition root.
//
// It is safe for concurrent use. A nil *Redactor, or one built without a
// shapes function, masks every long token-like word instead (see
// maskLongWords): coarse, but never a pass-through.
type Redactor struct {
	shapes  func(string) string
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is masked whole
}

// NewRedactor returns a Redactor with no registered values that masks
// credential shapes with shapes (mgit passes engine/redact.Text); nil
// selects the coarse fallback.
func NewRedactor(shapes func(string) string) *Redactor { return &Redactor{shapes: shapes} }

// Register adds secret to the values Redact masks. Empty and very short
// values are ignored (see minSecretLen); registering twice is harmless.
func (r *Redactor) Register(secret string) {
	if len(secret) < minSecretLen || r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.secrets {
		if s == secret {
			return
		}
	}
	r.secrets = append(r.secrets, secret)
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// Redact returns s with every registered secret and every credential shape
// replaced by Mask. Text without either is returned as it is, without
// copying.
func (r *Redactor) Redact(s string) string {
	if r != nil {
		r.mu.RLock()
		for _, secret := range r.secrets {
			if strings.Contains(s, secret) {
				s = strings.ReplaceAll(s, secret, Mask)
			}
		}
		r.mu.RUnlock()
		if r.shapes != nil {
			return r.shapes(s)
		}
	}
	return maskLongWords(s)
}

// RedactBytes is Redact for a byte slice; it returns p itself when nothing
// was masked.
func (r *Redactor) RedactBytes(p []byte) []byte {
	s := string(p)
	out := r.Redact(s)
	if out == s {
		return p
	}
	return []byte(out)
}

// minTokenWord is the shortest word maskLongWords masks: below every token
// format mgit knows (the shortest, GitLab's, has 20 characters after its
// prefix) and above most words of prose.
const minTokenWord = 20

// maskLongWords is the fallback when no shapes function was given: every
// run of at least minTokenWord letters, digits and the punctuation of
// tokens and URLs ('_', '-', '.', '=', '+', '/', ':', '@', '%') goes, so a
// URL with a password in it goes whole. It masks far more
// than the real list (commit names, long paths), which is the price of
// knowing no shapes; it masks nothing less.
func maskLongWords(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isTokenByte(s[j]) {
			j++
		}
		if w := s[i:j]; (len(w) >= minTokenWord || strings.Contains(w, "://") && strings.Contains(w, "@")) && !strings.HasPrefix(w, Mask) {
			b.WriteString(s[last:i])
			b.WriteString(Mask)
			last = j
		}
		if j == i {
			j++
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isTokenByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '-' || c == '.' || c == '=' || c == '+' || c == '/' || c == ':' || c == '@' || c == '%'
}
