package secure

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Keyring items are global per OS user: the kernel keyring and the secret
// service are shared by every HOME, configuration file, CI job and
// container running as one uid. An item's key therefore names the
// provider's identity — kind, URL and name — and the configuration file
// it belongs to, and the item holds that identity next to the token, so
// a token is read back only by the configuration and for the server it
// was stored for.

// legacyPrefix + name is the key older mgit versions used: one item per
// provider name, whatever the configuration or server.
const legacyPrefix = "token:"

// recordVersion is the version of record written today.
const recordVersion = 1

// record is the value of a keyring item: the token and whom it is for.
type record struct {
	Version int    `json:"v"`
	Kind    string `json:"kind"`
	URL     string `json:"url"`
	Name    string `json:"name"`
	Scope   string `json:"config"`
	Token   string `json:"token"`
}

// ErrTokenMismatch is wrapped when the keyring holds an item under the
// provider's key that was stored for another server or configuration.
var ErrTokenMismatch = errors.New("stored token belongs elsewhere")

// normURL is how URLs compare: scheme and host lower-cased, no trailing
// slash.
func normURL(raw string) string {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u.String()
}

// ScopeOf is the scope of a configuration file: its absolute path, with
// the symbolic links of the longest part that exists resolved (the file
// itself may not exist yet when login creates it).
func ScopeOf(path string) string {
	if path == "" {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for dir := abs; ; {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// itemKey is the keyring key of ref's token in scope. The name is kept
// readable (keyctl show, the secret service's browser); the hash makes
// the key differ for every kind, URL and configuration.
func itemKey(ref Ref, scope string) string {
	h := sha256.Sum256([]byte(strings.Join([]string{"mgit-token v1", ref.Kind, normURL(ref.URL), strings.ToLower(ref.Name), scope}, "\x00")))
	return "mgit-token-" + ref.Name + "-" + hex.EncodeToString(h[:12])
}

func itemLabel(ref Ref) string {
	return fmt.Sprintf("mgit token %s (%s %s)", ref.Name, ref.Kind, normURL(ref.URL))
}

func newRecord(ref Ref, scope, token string) []byte {
	data, _ := json.Marshal(record{Version: recordVersion, Kind: ref.Kind, URL: normURL(ref.URL), Name: ref.Name, Scope: scope, Token: token})
	return data
}

// check returns the token when the record is ref's in scope; otherwise
// an error wrapping ErrTokenMismatch that says what to do.
func (rec record) check(ref Ref, scope string) (string, error) {
	relogin := "run: mgit login --name " + ref.Name
	switch {
	case rec.Token == "":
		return "", fmt.Errorf("%w: the keyring item holds no token; %s", ErrTokenMismatch, relogin)
	case rec.URL != normURL(ref.URL):
		return "", fmt.Errorf("%w: the stored token of %s was saved for %s, not %s, and is not sent there; %s",
			ErrTokenMismatch, ref.Name, orPublic(rec.URL), orPublic(normURL(ref.URL)), relogin)
	case rec.Kind != ref.Kind || !strings.EqualFold(rec.Name, ref.Name):
		return "", fmt.Errorf("%w: the stored token was saved for the %s provider %s; %s", ErrTokenMismatch, rec.Kind, rec.Name, relogin)
	case rec.Scope != scope:
		return "", fmt.Errorf("%w: the stored token of %s belongs to the configuration %s; %s", ErrTokenMismatch, ref.Name, rec.Scope, relogin)
	}
	return rec.Token, nil
}

func orPublic(u string) string {
	if u == "" {
		return "the public service"
	}
	return u
}

// readItem reads ref's item from b: the token, or ErrNotFound, or why the
// item there is not used.
func (s *Store) readItem(b backend, ref Ref) (string, error) {
	data, err := b.get(itemKey(ref, s.scope))
	if err != nil {
		return "", err
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil || rec.Version != recordVersion {
		return "", fmt.Errorf("%w: the keyring item of %s is not in a format this mgit reads; run: mgit login --name %s", ErrTokenMismatch, ref.Name, ref.Name)
	}
	return rec.check(ref, s.scope)
}

// migrate looks for the item an older mgit stored under token:<name>. It
// is moved to ref's key only when it can be attributed to this
// configuration: it must be in the file keyring (one HOME's directory,
// not shared by every HOME like keyctl and the secret service) and not be
// newer than the configuration file (older mgit wrote the token, then the
// configuration; a later login under another --config with the same
// provider name overwrote the item after this file was saved). Otherwise
// it is left alone and the error tells the user to log in again.
func (s *Store) migrate(b backend, ref Ref) (string, error) {
	legacy := legacyPrefix + ref.Name
	val, err := b.get(legacy)
	if err != nil {
		return "", err // ErrNotFound: nothing to migrate
	}
	why := s.unattributable(b, legacy)
	if why != "" {
		return "", &LegacyItemError{Key: legacy, Backend: b.name(), Why: why, Name: ref.Name}
	}
	tok := strings.TrimSpace(string(val))
	if tok == "" {
		return "", ErrNotFound
	}
	if err := b.set(itemKey(ref, s.scope), itemLabel(ref), newRecord(ref, s.scope, tok)); err != nil {
		return "", fmt.Errorf("move the token stored by an older mgit (%s) to its scoped item: %w", legacy, err)
	}
	if err := b.remove(legacy); err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("delete the token stored by an older mgit (%s) after moving it: %w", legacy, err)
	}
	s.emit(AuditEvent{Action: AuditCredentialMigrate, Provider: ref.Name, Source: keyringSource(b.name())})
	return tok, nil
}

// LegacyItemError is an item stored by an older mgit under the provider's
// bare name that cannot be attributed to this configuration. It wraps
// ErrNotFound: no token is used.
type LegacyItemError struct {
	Key, Backend, Why, Name string
}

func (e *LegacyItemError) Error() string {
	return fmt.Sprintf("an older mgit stored a token under the shared name %s in the %s keyring; %s, so it is not used. "+
		"Run: mgit login --name %s (mgit logout %s deletes the old item)", e.Key, e.Backend, e.Why, e.Name, e.Name)
}

func (e *LegacyItemError) Unwrap() error { return ErrNotFound }

// unattributable says why the legacy item cannot be proven to be this
// configuration's ("" when it can).
func (s *Store) unattributable(b backend, legacy string) string {
	fb, ok := b.(*fileStore)
	if !ok {
		return "that keyring is shared by every configuration and HOME of this user, so mgit cannot tell whose it is"
	}
	if s.scope == "" {
		return "no configuration file names its owner"
	}
	cfi, err := os.Stat(s.scope)
	if err != nil {
		return "the configuration file " + s.scope + " does not exist"
	}
	mt, err := fb.modTime(legacy)
	if err != nil {
		return "its age cannot be read"
	}
	if mt.After(cfi.ModTime()) {
		return "it was written after " + s.scope + " was last saved (by a login with another configuration?)"
	}
	return ""
}
