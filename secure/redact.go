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
// even if it was never registered (see redactShapes): provider token
// formats, the password of a URL, the value of an Authorization header.
//
// It is safe for concurrent use. A nil *Redactor still masks the shapes;
// use NewRedactor to register values.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is masked whole
}

// NewRedactor returns a Redactor with no registered values.
func NewRedactor() *Redactor { return &Redactor{} }

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
	}
	return redactShapes(s)
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
