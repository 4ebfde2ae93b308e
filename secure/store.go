package secure

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Environment variables the store reads (besides the token variables).
const (
	// EnvBackend pins the keyring backend: secret-service, keyctl, file,
	// or env (environment variables only, no keyring at all).
	EnvBackend = "MGIT_KEYRING_BACKEND"
	// EnvPassword is the password of the encrypted file backend.
	EnvPassword = "MGIT_KEYRING_PASSWORD"
	// EnvOldPassword is the file backend's previous password while it is
	// being changed: items it opens are re-encrypted under EnvPassword.
	EnvOldPassword = "MGIT_KEYRING_OLD_PASSWORD"
	// EnvService names mgit's items in every keyring backend (default
	// DefaultService): separate instances, or tests, keep apart.
	EnvService = "MGIT_KEYRING_SERVICE"
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
	// TokenEnv are the variables other tools keep this provider's token
	// in, read after MGIT_TOKEN_<NAME> in this order. The caller names
	// them (they are facts of the provider's kind, which secure does not
	// know), and for a self-hosted server names none that holds the
	// public service's token.
	TokenEnv []string
	// URL is the provider's server (its configured URL, or the public
	// service's). The keyring item is keyed by it and holds it, so a
	// token is only read back for the server it was stored for.
	URL string
	// CredentialHelper, when set (HelperGit, HelperGH, HelperGLab), is
	// asked for a token after the environment and the keyring.
	CredentialHelper string
	// GitURL is scheme://host[:port] where git serves the provider's
	// repositories: the host the credential helper is asked about.
	GitURL string
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
	// Service names mgit's items (default $MGIT_KEYRING_SERVICE, else
	// DefaultService).
	Service string
	// FileDir is the file backend's directory (default
	// $XDG_DATA_HOME/mgit/keyring, else ~/.local/share/mgit/keyring).
	FileDir string
	// Audit, when set, is told about every credential read, write and
	// delete (never the value). It must not block.
	Audit func(AuditEvent)
	// Config is the configuration file whose tokens this store keeps:
	// keyring items are scoped to its absolute path, so two
	// configurations (or two HOMEs) never read or replace each other's.
	Config string
	// kdf overrides the file keyring's work factor (tests only).
	kdf *kdfParams
}

// Audit actions of the store.
const (
	AuditCredentialRead   = "credential.read"
	AuditCredentialWrite  = "credential.write"
	AuditCredentialDelete = "credential.delete"
	// AuditCredentialMigrate: a token stored by an older mgit was moved
	// to its scoped item.
	AuditCredentialMigrate = "credential.migrate"
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
// provider's conventional variables (Ref.TokenEnv), then the first keyring backend that
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
	scope      string    // ScopeOf(Options.Config)
	kdf        kdfParams // the file keyring's work factor
	// helperTimeout overrides helperTimeout (tests only).
	helperTimeout time.Duration

	once    sync.Once
	ring    backend
	ringErr error
}

// NewStore validates opts and MGIT_KEYRING_BACKEND; it opens nothing yet.
func NewStore(opts Options) (*Store, error) {
	if opts.Getenv == nil || opts.Redactor == nil {
		return nil, errors.New("credential store: Getenv and Redactor are required")
	}
	s := &Store{getenv: opts.Getenv, redactor: opts.Redactor, service: opts.Service, fileDir: opts.FileDir, audit: opts.Audit,
		scope: ScopeOf(opts.Config), kdf: defaultKDF}
	if opts.kdf != nil {
		s.kdf = *opts.kdf
	}
	if s.service == "" {
		s.service = strings.TrimSpace(opts.Getenv(EnvService))
	}
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

// Lookup finds the token of ref, registering it with the Redactor before
// returning it. It wraps ErrNotFound when no source has one; when the
// keyring could not be used either, the error says why.
func (s *Store) Lookup(ref Ref) (Token, error) {
	tok, err := s.lookup(ref)
	s.emit(AuditEvent{Action: AuditCredentialRead, Provider: ref.Name, Source: tok.Source, Err: err})
	return tok, err
}

func (s *Store) lookup(ref Ref) (Token, error) {
	vars := append([]string{EnvName(ref.Name)}, ref.TokenEnv...)
	for _, v := range vars {
		if val := strings.TrimSpace(s.getenv(v)); val != "" {
			s.redactor.Register(val)
			return Token{Value: val, Source: "env " + v}, nil
		}
	}
	tok, err := s.fromKeyring(ref, vars)
	if err == nil || ref.CredentialHelper == "" {
		return tok, err
	}
	// Last in the chain, opt-in per provider: the user's credential helper.
	htok, herr := s.helperToken(ref)
	if herr != nil {
		return Token{}, fmt.Errorf("%w; and %w", err, herr)
	}
	return htok, nil
}

func (s *Store) fromKeyring(ref Ref, vars []string) (Token, error) {
	if s.pinned == BackendEnv {
		return Token{}, fmt.Errorf("token for %s: %w (looked in %s; %s=env disables the keyring)",
			ref.Name, ErrNotFound, strings.Join(vars, ", "), EnvBackend)
	}
	r, err := s.keyring()
	if err != nil {
		return Token{}, fmt.Errorf("token for %s: %w in %s, and %w", ref.Name, ErrNotFound, strings.Join(vars, ", "), err)
	}
	val, err := s.readItem(r, ref)
	if errors.Is(err, ErrNotFound) {
		val, err = s.migrate(r, ref)
	}
	if err != nil {
		var legacy *LegacyItemError
		if errors.Is(err, ErrNotFound) && !errors.As(err, &legacy) {
			return Token{}, fmt.Errorf("token for %s: %w in %s or the %s keyring", ref.Name, ErrNotFound, strings.Join(vars, ", "), r.name())
		}
		return Token{}, fmt.Errorf("token for %s: keyring %s: %w", ref.Name, r.name(), err)
	}
	s.redactor.Register(val)
	return Token{Value: val, Source: "keyring " + r.name()}, nil
}

// Set stores token as ref's in the keyring, scoped to the store's
// configuration, and returns the backend that holds it.
func (s *Store) Set(ref Ref, token string) (backend string, err error) {
	backend, err = s.set(ref, token)
	s.emit(AuditEvent{Action: AuditCredentialWrite, Provider: ref.Name, Source: keyringSource(backend), Err: err})
	return backend, err
}

func (s *Store) set(ref Ref, token string) (backend string, err error) {
	s.redactor.Register(token)
	if s.pinned == BackendEnv {
		return "", fmt.Errorf("store token for %s: %s=env keeps tokens in the environment only (set %s)", ref.Name, EnvBackend, EnvName(ref.Name))
	}
	r, err := s.keyring()
	if err != nil {
		return "", fmt.Errorf("store token for %s: %w", ref.Name, err)
	}
	if err := r.set(itemKey(ref, s.scope), itemLabel(ref), newRecord(ref, s.scope, token)); err != nil {
		return r.name(), fmt.Errorf("store token for %s in %s: %w", ref.Name, r.name(), err)
	}
	return r.name(), nil
}

// Delete removes ref's token from the keyring, and the item an older mgit
// kept under the provider's name (token:<name>), which no configuration
// can claim any more; it wraps ErrNotFound when there was neither.
func (s *Store) Delete(ref Ref) (backend string, err error) {
	backend, err = s.remove(ref)
	s.emit(AuditEvent{Action: AuditCredentialDelete, Provider: ref.Name, Source: keyringSource(backend), Err: err})
	return backend, err
}

func (s *Store) remove(ref Ref) (backend string, err error) {
	if s.pinned == BackendEnv {
		return BackendEnv, fmt.Errorf("delete token for %s: %w: %s=env keeps no tokens", ref.Name, ErrNotFound, EnvBackend)
	}
	r, err := s.keyring()
	if err != nil {
		return "", fmt.Errorf("delete token for %s: %w", ref.Name, err)
	}
	err = r.remove(itemKey(ref, s.scope))
	if lerr := r.remove(legacyPrefix + ref.Name); lerr == nil {
		err = nil
	} else if !errors.Is(lerr, ErrNotFound) && (err == nil || errors.Is(err, ErrNotFound)) {
		err = lerr
	}
	if err != nil {
		return r.name(), fmt.Errorf("delete token for %s from %s: %w", ref.Name, r.name(), err)
	}
	return r.name(), nil
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
	return r.name(), nil
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

func (s *Store) keyring() (backend, error) {
	s.once.Do(func() { s.ring, s.ringErr = s.openRing() })
	return s.ring, s.ringErr
}
