package secure

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// Environment variables the store reads (besides the token variables).
const (
	// EnvBackend pins the keyring backend: secret-service, keyctl, file,
	// or env (environment variables only, no keyring at all).
	EnvBackend = "MGIT_KEYRING_BACKEND"
	// EnvPassword is the password of the encrypted file backend.
	EnvPassword = "MGIT_KEYRING_PASSWORD"
	// EnvTokenPrefix + the upper-cased provider name is the variable that
	// beats every other source (MGIT_TOKEN_WORK_GITHUB).
	EnvTokenPrefix = "MGIT_TOKEN_"
)

// Backend names, as MGIT_KEYRING_BACKEND spells them.
const (
	BackendEnv           = "env"
	BackendSecretService = "secret-service"
	BackendKeyctl        = "keyctl"
	BackendFile          = "file"
)

// DefaultService names mgit's items in every keyring backend.
const DefaultService = "mgit"

// ErrNotFound is returned by Lookup when no source holds a token and by
// Delete when the keyring holds none.
var ErrNotFound = errors.New("no token")

// ErrNoKeyring wraps the causes when no keyring backend passed its probe.
var ErrNoKeyring = errors.New("no usable keyring")

// Ref names the credential of one configured provider.
type Ref struct {
	// Name is the configured provider name; Kind its type (github,
	// azuredevops, bitbucket, gitlab, gitea).
	Name, Kind string
	// SelfHosted is true when the provider has its own URL. GitHub's
	// conventional variables then are GH_ENTERPRISE_TOKEN and
	// GITHUB_ENTERPRISE_TOKEN (as gh reads them), so a github.com token in
	// GITHUB_TOKEN is never sent to another server.
	SelfHosted bool
}

// Token is a resolved secret and where it came from. Its String and
// GoString never show the value.
type Token struct {
	Value string
	// Source is "env MGIT_TOKEN_WORK", "env GITHUB_TOKEN" or "keyring file".
	Source string
}

func (t Token) String() string   { return "token(" + t.Source + ")" }
func (t Token) GoString() string { return t.String() }

// Options configure a Store.
type Options struct {
	// Getenv reads the environment (os.Getenv in production). Required.
	Getenv func(string) string
	// Redactor receives every token before the store returns or stores
	// it. Required.
	Redactor *Redactor
	// Service names mgit's items (default DefaultService).
	Service string
	// FileDir is the file backend's directory (default
	// $XDG_DATA_HOME/mgit/keyring, else ~/.local/share/mgit/keyring).
	FileDir string
	// Audit, when set, is told about every credential read, write and
	// delete (never the value). It must not block.
	Audit func(AuditEvent)
}

// Audit actions of the store.
const (
	AuditCredentialRead   = "credential.read"
	AuditCredentialWrite  = "credential.write"
	AuditCredentialDelete = "credential.delete"
)

// AuditEvent is one credential access. It holds no secret.
type AuditEvent struct {
	Action   string // AuditCredentialRead, …
	Provider string // the configured provider name
	// Source is where the credential was found or kept: "env GITHUB_TOKEN",
	// "keyring file"; empty when none was.
	Source string
	Err    error // nil on success
}

// Store resolves and keeps provider tokens: MGIT_TOKEN_<NAME>, then the
// provider's conventional variable, then the first keyring backend that
// passes its probe (secret-service, keyctl, file), or the one
// MGIT_KEYRING_BACKEND names. The keyring is opened on first need, once.
type Store struct {
	getenv   func(string) string
	redactor *Redactor
	service  string
	fileDir  string
	// fileDirErr says why there is no default file directory.
	fileDirErr error
	pinned     string // MGIT_KEYRING_BACKEND, "" for the chain
	audit      func(AuditEvent)

	once    sync.Once
	ring    *ring
	ringErr error
}

// NewStore validates opts and MGIT_KEYRING_BACKEND; it opens nothing yet.
func NewStore(opts Options) (*Store, error) {
	if opts.Getenv == nil || opts.Redactor == nil {
		return nil, errors.New("credential store: Getenv and Redactor are required")
	}
	s := &Store{getenv: opts.Getenv, redactor: opts.Redactor, service: opts.Service, fileDir: opts.FileDir, audit: opts.Audit}
	if s.service == "" {
		s.service = DefaultService
	}
	switch b := strings.TrimSpace(opts.Getenv(EnvBackend)); b {
	case "", BackendEnv, BackendSecretService, BackendKeyctl, BackendFile:
		s.pinned = b
	default:
		return nil, fmt.Errorf("%s=%q: unknown keyring backend (want %s, %s, %s or %s)",
			EnvBackend, b, BackendSecretService, BackendKeyctl, BackendFile, BackendEnv)
	}
	if s.fileDir == "" {
		// An error leaves it empty; the file backend reports it when the
		// chain reaches it.
		s.fileDir, s.fileDirErr = defaultFileDir(opts.Getenv)
	}
	return s, nil
}

// defaultFileDir is $XDG_DATA_HOME/mgit/keyring or ~/.local/share/mgit/keyring.
func defaultFileDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mgit", "keyring"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "mgit", "keyring"), nil
	}
	return "", errors.New("neither XDG_DATA_HOME nor HOME is set")
}

// EnvName is the MGIT_TOKEN_<NAME> variable of a provider: the name
// upper-cased, every character but A-Z and 0-9 replaced by '_'.
func EnvName(name string) string {
	var b strings.Builder
	b.WriteString(EnvTokenPrefix)
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// ConventionalEnv lists the variables other tools use for a provider's
// token, in the order they are read.
func ConventionalEnv(ref Ref) []string {
	switch ref.Kind {
	case "github":
		if ref.SelfHosted {
			return []string{"GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"}
		}
		return []string{"GITHUB_TOKEN", "GH_TOKEN"}
	case "azuredevops":
		return []string{"AZURE_DEVOPS_EXT_PAT"}
	case "gitlab":
		return []string{"GITLAB_TOKEN"}
	case "bitbucket":
		return []string{"BITBUCKET_TOKEN"}
	case "gitea":
		return []string{"GITEA_TOKEN"}
	}
	return nil
}

// Lookup finds the token of ref, registering it with the Redactor before
// returning it. It wraps ErrNotFound when no source has one; when the
// keyring could not be used either, the error says why.
func (s *Store) Lookup(ref Ref) (Token, error) {
	tok, err := s.lookup(ref)
	s.emit(AuditEvent{Action: AuditCredentialRead, Provider: ref.Name, Source: tok.Source, Err: err})
	return tok, err
}

func (s *Store) lookup(ref Ref) (Token, error) {
	vars := append([]string{EnvName(ref.Name)}, ConventionalEnv(ref)...)
	for _, v := range vars {
		if val := strings.TrimSpace(s.getenv(v)); val != "" {
			s.redactor.Register(val)
			return Token{Value: val, Source: "env " + v}, nil
		}
	}
	if s.pinned == BackendEnv {
		return Token{}, fmt.Errorf("token for %s: %w (looked in %s; %s=env disables the keyring)",
			ref.Name, ErrNotFound, strings.Join(vars, ", "), EnvBackend)
	}
	r, err := s.keyring()
	if err != nil {
		return Token{}, fmt.Errorf("token for %s: %w in %s, and %w", ref.Name, ErrNotFound, strings.Join(vars, ", "), err)
	}
	val, err := r.get(itemKey(ref.Name))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Token{}, fmt.Errorf("token for %s: %w in %s or the %s keyring", ref.Name, ErrNotFound, strings.Join(vars, ", "), r.backend)
		}
		return Token{}, fmt.Errorf("token for %s: keyring %s: %w", ref.Name, r.backend, err)
	}
	s.redactor.Register(val)
	return Token{Value: val, Source: "keyring " + r.backend}, nil
}

// Set stores token for the provider name in the keyring and returns the
// backend that holds it.
func (s *Store) Set(name, token string) (backend string, err error) {
	backend, err = s.set(name, token)
	s.emit(AuditEvent{Action: AuditCredentialWrite, Provider: name, Source: keyringSource(backend), Err: err})
	return backend, err
}

func (s *Store) set(name, token string) (backend string, err error) {
	s.redactor.Register(token)
	if s.pinned == BackendEnv {
		return "", fmt.Errorf("store token for %s: %s=env keeps tokens in the environment only (set %s)", name, EnvBackend, EnvName(name))
	}
	r, err := s.keyring()
	if err != nil {
		return "", fmt.Errorf("store token for %s: %w", name, err)
	}
	if err := r.set(itemKey(name), token); err != nil {
		return r.backend, fmt.Errorf("store token for %s in %s: %w", name, r.backend, err)
	}
	return r.backend, nil
}

// Delete removes the provider's token from the keyring; it wraps
// ErrNotFound when there was none.
func (s *Store) Delete(name string) (backend string, err error) {
	backend, err = s.remove(name)
	s.emit(AuditEvent{Action: AuditCredentialDelete, Provider: name, Source: keyringSource(backend), Err: err})
	return backend, err
}

func (s *Store) remove(name string) (backend string, err error) {
	if s.pinned == BackendEnv {
		return BackendEnv, fmt.Errorf("delete token for %s: %w: %s=env keeps no tokens", name, ErrNotFound, EnvBackend)
	}
	r, err := s.keyring()
	if err != nil {
		return "", fmt.Errorf("delete token for %s: %w", name, err)
	}
	if err := r.remove(itemKey(name)); err != nil {
		return r.backend, fmt.Errorf("delete token for %s from %s: %w", name, r.backend, err)
	}
	return r.backend, nil
}

// Backend opens the keyring (once) and says which backend passed its
// probe, or why none did.
func (s *Store) Backend() (string, error) {
	if s.pinned == BackendEnv {
		return BackendEnv, nil
	}
	r, err := s.keyring()
	if err != nil {
		return "", err
	}
	return r.backend, nil
}

func (s *Store) emit(ev AuditEvent) {
	if s.audit != nil {
		s.audit(ev)
	}
}

func keyringSource(backend string) string {
	if backend == "" {
		return ""
	}
	return "keyring " + backend
}

func (s *Store) keyring() (*ring, error) {
	s.once.Do(func() { s.ring, s.ringErr = s.openRing() })
	return s.ring, s.ringErr
}

// itemKey is the keyring key of a provider's token.
func itemKey(name string) string { return "token:" + name }
