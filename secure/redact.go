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

// Redactor replaces registered secrets in text. It is safe for concurrent
// use; the zero value is not usable, use NewRedactor.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is masked whole
}

// NewRedactor returns an empty Redactor.
func NewRedactor() *Redactor { return &Redactor{} }

// Register adds secret to the values Redact masks. Empty and very short
// values are ignored (see minSecretLen); registering twice is harmless.
func (r *Redactor) Register(secret string) {
	if len(secret) < minSecretLen {
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

// Redact returns s with every registered secret replaced by Mask.
func (r *Redactor) Redact(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, secret := range r.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Mask)
		}
	}
	return s
}
