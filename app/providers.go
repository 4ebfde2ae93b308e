package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/secure"
)

// annotationConfig marks commands that must run even when the
// configuration file is broken (`config path`, `version`), so the user
// can find and fix it, or that never use it (`health`).
const annotationConfig = "mgit/config"

// annotationNewConfig marks commands (and groups of commands) that work
// with a --config or MGIT_CONFIG file that does not exist yet: login
// creates it, config inspects it. Every other command refuses such a path,
// which is far more likely a typo than an empty configuration.
const annotationNewConfig = "mgit/new-config"

// acceptsNewConfig reports whether cmd or a parent carries annotationNewConfig.
func acceptsNewConfig(cmd *cobra.Command) bool {
	for ; cmd != nil; cmd = cmd.Parent() {
		if cmd.Annotations[annotationNewConfig] == "ok" {
			return true
		}
	}
	return false
}

// configState is what loadConfig resolved before any command does work.
type configState struct {
	// path is the configuration file ("" when none can be named: no
	// HOME, no XDG_CONFIG_HOME, no --config).
	path string
	cfg  *config.Config
	// loadErr is kept for commands annotated to tolerate it.
	loadErr error
	red     *secure.Redactor
	store   *secure.Store
}

// loadConfig reads and validates the configuration file and the keyring
// choice; a bad file or MGIT_KEYRING_BACKEND fails with exit 2 before the
// command starts. Flags beat the file: concurrency from the file applies
// only when --concurrency was not given.
func (c *Factory) loadConfig(cmd *cobra.Command) error {
	if c.conf.red == nil {
		c.conf.red = secure.NewRedactor(redact.Text)
	}
	c.conf.cfg = &config.Config{}
	tolerant := cmd.Annotations[annotationConfig] == "optional"
	path, err := config.Path(c.g.configFile, c.getenv)
	named := c.g.configFile != "" || c.getenv(config.EnvConfig) != ""
	if err == nil && named && !tolerant && !acceptsNewConfig(cmd) {
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			return usagef("Check the path, or run 'mgit login --config "+path+" --provider KIND --name NAME' to create it.",
				"%s: no such file", path)
		}
	}
	if err == nil && !tolerant {
		err = c.logs.checkConfigFile(path)
		if err != nil {
			return err
		}
	}
	if err == nil {
		c.conf.path = path
		var cfg *config.Config
		if cfg, err = config.Load(path); err == nil {
			c.conf.cfg = cfg
		}
	} else if c.g.configFile == "" {
		err = nil // nowhere to look: nothing configured
	}
	if err != nil {
		c.conf.loadErr = err
		if !tolerant {
			return usagef("Fix the file (see docs/config.example.yaml), or choose another with --config or "+config.EnvConfig+".", "%s", err)
		}
	}
	if !tolerant {
		if err := checkProviderURLs(&c.logs, c.conf, c.g.urlOptions(false)); err != nil {
			return err
		}
	}
	// Keyring items are scoped to the configuration file, so two
	// configurations (or HOMEs) of one OS user never share a token.
	store, err := secure.NewStore(secure.Options{Getenv: c.getenv, Redactor: c.conf.red, Audit: c.logs.auditCredential, Config: c.conf.path})
	if err != nil && !tolerant {
		return usagef("Unset it to use the first keyring that works.", "%s", err)
	}
	c.conf.store = store
	if f := cmd.Flags().Lookup("concurrency"); (f == nil || !f.Changed) && c.conf.cfg.Concurrency > 0 {
		c.g.concurrency = c.conf.cfg.Concurrency
	}
	return nil
}

// redact masks every token resolved so far; safe before setup.
func (c *Factory) redact(s string) string {
	if c.conf.red == nil {
		return s
	}
	return c.conf.red.Redact(s)
}

// ref is the credential reference of a configured provider.
func ref(p config.Provider) secure.Ref {
	return secure.Ref{Name: p.Name, Kind: p.Type, TokenEnv: p.TokenEnv(), URL: credentialURL(p),
		CredentialHelper: p.CredentialHelper, GitURL: credentialGitURL(p)}
}

// selectProviders returns the configured providers a query fans out to:
// all, or the one --provider names (provider.Narrow).
func (s configState) selectProviders(only string) ([]config.Provider, error) {
	cfg := s.cfg
	idx, err := provider.Narrow(providerNames(cfg), only)
	var unknown *provider.UnknownProviderError
	switch {
	case errors.Is(err, provider.ErrNoProviders):
		return nil, usagef("Add one with: mgit login --provider github --name work (see 'mgit login --help').",
			"no provider configured in %s", s.pathForHumans())
	case errors.As(err, &unknown):
		return nil, usagef("Configured: "+strings.Join(unknown.Known, ", ")+". See 'mgit config list'.", "%s", err)
	case err != nil:
		return nil, err
	}
	ps := make([]config.Provider, len(idx))
	for i, j := range idx {
		ps[i] = cfg.Providers[j]
	}
	return ps, nil
}

func providerNames(cfg *config.Config) []string {
	out := make([]string, len(cfg.Providers))
	for i, p := range cfg.Providers {
		out[i] = p.Name
	}
	return out
}

// pathForHumans names the configuration file in messages.
func (s configState) pathForHumans() string {
	if s.path == "" {
		return "the configuration (no config file: set HOME or use --config)"
	}
	return s.path
}

// providerOptions are the per-command knobs of the HTTP layer.
type providerOptions struct {
	maxWait  time.Duration
	maxRepos int // 0: provider.DefaultMaxRepos
	// obs, when set, observes every request (metrics, logs with the
	// run_id, a span per request when tracing) and every listing (a span
	// per provider); nil only logs requests at debug level.
	obs *observability
}

// providerError is a failure of one provider, with the advice that fits
// its cause.
type providerError struct {
	name string
	err  error
}

func (e *providerError) Error() string {
	var nt *noTokenError
	if errors.As(e.err, &nt) {
		return "no token for provider " + e.name + ": " + nt.err.Error()
	}
	return "provider " + e.name + ": " + e.err.Error()
}

func (e *providerError) Unwrap() error { return e.err }

// noTokenError is a provider without a token. It says so, rather than
// "credential rejected", but is an authentication failure all the same
// (errors.Is provider.ErrUnauthorized): exit 3 and the login hint.
type noTokenError struct{ err error }

func (e *noTokenError) Error() string        { return "no token: " + e.err.Error() }
func (e *noTokenError) Unwrap() error        { return e.err }
func (e *noTokenError) Is(target error) bool { return target == provider.ErrUnauthorized }

// code is the exit code this failure alone calls for.
func (e *providerError) code() int {
	if errors.Is(e.err, provider.ErrUnauthorized) || errors.Is(e.err, provider.ErrForbidden) {
		return exitAuth
	}
	return exitFailed
}

// hint says what to do about it.
func (e *providerError) hint() string {
	var rl *provider.RateLimitError
	switch {
	case errors.Is(e.err, provider.ErrUnauthorized):
		return "run mgit login --name " + e.name
	case errors.Is(e.err, provider.ErrForbidden):
		return "the token lacks a permission; create one with the scope named above and run mgit login --name " + e.name
	case errors.As(e.err, &rl) && !rl.Reset.IsZero():
		return fmt.Sprintf("rate limited until %s; try again then, or raise --max-wait", rl.Reset.Local().Format(time.RFC1123))
	case errors.Is(e.err, provider.ErrRateLimited):
		return "rate limited; try again later, or raise --max-wait"
	case errors.Is(e.err, provider.ErrNotFound):
		return "check the org in the query, and that the token can see it"
	}
	return ""
}

// queryFlags are the flags of every command that takes a provider query.
type queryFlags struct {
	provider        string
	includeArchived bool
	includeForks    bool
	includeDisabled bool
	exclude         []string
	maxWait         time.Duration
	maxRepos        int
}

func (f *queryFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.provider, "provider", "", "ask only the configured provider NAME (default: every configured provider)")
	fl.BoolVar(&f.includeArchived, "include-archived", false, "include archived repositories")
	fl.BoolVar(&f.includeForks, "include-forks", false, "include forks")
	fl.BoolVar(&f.includeDisabled, "include-disabled", false, "include repositories the provider has disabled (they cannot be cloned or fetched)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "leave out repositories whose full name matches GLOB (repeatable)")
	fl.DurationVar(&f.maxWait, "max-wait", time.Minute, "longest wait for a provider's rate limit to reset before failing (0 to 24h)")
	fl.IntVar(&f.maxRepos, "max-repos", provider.DefaultMaxRepos, "refuse a query that lists more than N repositories (per provider; at most 1000000)")
}

// parse validates the query and the flags.
func (f *queryFlags) parse(raw string) (provider.Query, provider.FilterOptions, error) {
	if err := secure.ValidateQuery("query", raw); err != nil {
		return provider.Query{}, provider.FilterOptions{}, rejectInput("Give the query as plain text: org, org/repo or org/project/repo.", err)
	}
	if err := checkCount("--max-repos", f.maxRepos, 1, maxMaxRepos, "Use --max-repos 1 or more (the default is 10000)."); err != nil {
		return provider.Query{}, provider.FilterOptions{}, err
	}
	q, err := provider.ParseQuery(raw)
	if err != nil {
		return q, provider.FilterOptions{}, usagef("A query is org, org/repo or org/project/repo, with * ? [...] globs, e.g. 'acme/*-api'.", "%s", err)
	}
	for _, g := range f.exclude {
		if err := provider.ValidateGlob(g); err != nil {
			return q, provider.FilterOptions{}, usagef("Fix the --exclude glob.", "--exclude: %s", err)
		}
	}
	if err := checkDuration("--max-wait", f.maxWait, 0, maxMaxWait, "Use a duration such as 30s or 5m (0: fail at once when rate limited)."); err != nil {
		return q, provider.FilterOptions{}, err
	}
	return q, provider.FilterOptions{IncludeArchived: f.includeArchived, IncludeForks: f.includeForks,
		IncludeDisabled: f.includeDisabled, Exclude: f.exclude}, nil
}

// isURL reports whether clone's SOURCE is a git URL rather than a query:
// a scheme, the scp-like user@host:path, or a path starting with /, ./ or
// ../ (relative paths are then refused with the URL rules).
func isURL(s string) bool {
	if strings.Contains(s, "://") || strings.HasPrefix(s, "/") ||
		strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".." {
		return true
	}
	colon := strings.IndexByte(s, ':')
	return colon > 0 && !strings.Contains(s[:colon], "/")
}

// refresh is the dashboard's periodic refresh (0: the default, negative: off).
func (s configState) refresh() time.Duration {
	if s.cfg == nil {
		return 0
	}
	return s.cfg.Refresh()
}

// keys is the configuration's dashboard key bindings (nil when none).
func (s configState) keys() map[string][]string {
	if s.cfg == nil {
		return nil
	}
	return s.cfg.Keys
}
