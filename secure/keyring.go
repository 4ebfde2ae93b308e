package secure

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// probeTimeout bounds a backend's probe: a secret-service whose collection
// is locked may wait for an unlock prompt nobody will answer.
const probeTimeout = 10 * time.Second

// BackendError is why one keyring backend was not used.
type BackendError struct {
	Backend string
	Err     error
}

func (e *BackendError) Error() string { return e.Backend + ": " + e.Err.Error() }
func (e *BackendError) Unwrap() error { return e.Err }

// backend is one keyring that passed its probe.
type backend interface {
	name() string
	get(key string) ([]byte, error) // ErrNotFound when absent
	set(key, label string, val []byte) error
	remove(key string) error // ErrNotFound when absent
	probe() error
}

// osRing is a backend of 99designs/keyring (secret-service, keyctl).
type osRing struct {
	backend string
	kr      keyring.Keyring
}

func (r *osRing) name() string { return r.backend }

func (r *osRing) get(key string) ([]byte, error) {
	it, err := r.kr.Get(key)
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return it.Data, nil
}

func (r *osRing) set(key, label string, val []byte) error {
	return r.kr.Set(keyring.Item{Key: key, Data: val, Label: label})
}

func (r *osRing) remove(key string) error {
	err := r.kr.Remove(key)
	if errors.Is(err, keyring.ErrKeyNotFound) || errors.Is(err, os.ErrNotExist) {
		return ErrNotFound
	}
	return err
}

// probe writes, reads back and deletes a random throwaway item: a backend
// that opened may still refuse every write (keyctl under a container
// runtime does).
func (r *osRing) probe() error {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	key, val := "probe:"+hex.EncodeToString(b[:6]), hex.EncodeToString(b[6:])
	if err := r.set(key, "mgit probe", []byte(val)); err != nil {
		return fmt.Errorf("probe write: %w", err)
	}
	got, err := r.get(key)
	if err != nil {
		_ = r.remove(key)
		return fmt.Errorf("probe read: %w", err)
	}
	if string(got) != val {
		_ = r.remove(key)
		return errors.New("probe read: value differs from what was written")
	}
	if err := r.remove(key); err != nil {
		return fmt.Errorf("probe delete: %w", err)
	}
	return nil
}

// openRing returns the first backend of the chain (or the pinned one) that
// opens and survives a write/read/delete; otherwise an error wrapping
// ErrNoKeyring and every backend's cause.
func (s *Store) openRing() (backend, error) {
	chain := []string{BackendSecretService, BackendKeyctl, BackendFile}
	if s.pinned != "" {
		chain = []string{s.pinned}
	}
	var causes []error
	for _, b := range chain {
		r, err := s.openBackend(b)
		if err == nil {
			err = probe(r)
		}
		if err == nil {
			return r, nil
		}
		causes = append(causes, &BackendError{Backend: b, Err: err})
	}
	msg := make([]string, len(causes))
	for i, c := range causes {
		msg[i] = c.Error()
	}
	return nil, fmt.Errorf("%w: %s (choose one with %s, or set %s to a password for the file backend)",
		ErrNoKeyring, strings.Join(msg, "; "), EnvBackend, EnvPassword)
}

// openBackend opens one backend. keyring.Open hides why an opener failed,
// so the known causes are checked first and named.
func (s *Store) openBackend(b string) (backend, error) {
	cfg := keyring.Config{ServiceName: s.service}
	switch b {
	case BackendSecretService:
		if !available(keyring.SecretServiceBackend) {
			return nil, errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS=" + quoteOrUnset(s.getenv("DBUS_SESSION_BUS_ADDRESS")) + ")")
		}
		cfg.AllowedBackends = []keyring.BackendType{keyring.SecretServiceBackend}
		// gnome-keyring answers headless only for its "login" collection.
		cfg.LibSecretCollectionName = "login"
	case BackendKeyctl:
		if !available(keyring.KeyCtlBackend) {
			return nil, errors.New("not supported on this system")
		}
		if err := userKeyringAvailable(); err != nil {
			return nil, err
		}
		cfg.AllowedBackends = []keyring.BackendType{keyring.KeyCtlBackend}
		cfg.KeyCtlScope = "user" // the empty default fails
	case BackendFile:
		if s.fileDir == "" {
			return nil, fmt.Errorf("no directory: %w", s.fileDirErr)
		}
		// Never prompt: the password comes from the environment only.
		pw := s.getenv(EnvPassword)
		if pw == "" {
			return nil, errors.New(EnvPassword + " is not set")
		}
		old := s.getenv(EnvOldPassword)
		// The keys to every stored token: masked like one.
		s.redactor.Register(pw)
		s.redactor.Register(old)
		return newFileStore(s.fileDir, pw, old, s.kdf)
	default:
		return nil, fmt.Errorf("unknown backend %q", b)
	}
	kr, err := keyring.Open(cfg)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return &osRing{backend: b, kr: kr}, nil
}

func available(b keyring.BackendType) bool {
	for _, a := range keyring.AvailableBackends() {
		if a == b {
			return true
		}
	}
	return false
}

func quoteOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return fmt.Sprintf("%q", s)
}

// probe asks the backend to prove it works, giving up after
// probeTimeout.
func probe(r backend) error {
	done := make(chan error, 1)
	go func() { done <- r.probe() }()
	select {
	case err := <-done:
		return err
	case <-time.After(probeTimeout):
		return fmt.Errorf("probe: no answer within %s (a locked keyring waiting for an unlock prompt?)", probeTimeout)
	}
}
