package config

import (
	"sync"
	"time"

	"github.com/mgit-dev/mgit/ui/keys"

	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mgit-dev/mgit/engine/provider"
)

// EnvConfig names the configuration file when --config is not given.
const EnvConfig = "MGIT_CONFIG"

// Layouts of clones under the workspace root.
const (
	LayoutHost = "host"
	LayoutFlat = "flat"
)

// MaxConcurrency bounds the concurrency setting.
const MaxConcurrency = 256

// Config is the configuration file's content. The zero value is a valid,
// empty configuration.
type Config struct {
	// DefaultProvider names the provider login and list use when no
	// --provider is given and more than one is configured.
	DefaultProvider string `yaml:"default_provider,omitempty"`
	// Workspace is the default DIR of commands that take a query (clone,
	// and fetch/pull/status with --query); "~/" is the home directory.
	Workspace string `yaml:"workspace,omitempty"`
	// Query is the dashboard's provider query (org, org/repo or
	// org/project/repo with globs): the upstream repositories it lists
	// that are not cloned under the workspace get rows of their own.
	// --query on the root command overrides it.
	Query string `yaml:"query,omitempty"`
	// Concurrency is the default of --concurrency (0: mgit's defaults).
	Concurrency int `yaml:"concurrency,omitempty"`
	// Layout is the default of clone's --layout: host or flat.
	Layout    string     `yaml:"layout,omitempty"`
	Providers []Provider `yaml:"providers,omitempty"`
	// Keys rebinds dashboard actions: action name → keys, e.g.
	// pull: [P, ctrl+p]. Checked against the keymap when the file loads.
	Keys map[string][]string `yaml:"keys,omitempty"`
	// RefreshInterval is how often the dashboard reads every row's status
	// again, as a duration ("30s", "5m"), or "off"; empty: 30s.
	RefreshInterval string `yaml:"refresh_interval,omitempty"`
}

// MinRefreshInterval keeps a periodic refresh of thousands of
// repositories from holding the disk busy all the time.
const MinRefreshInterval = time.Second

// Refresh is the dashboard's periodic refresh: 0 for the default,
// negative when turned off. The value was checked when the file loaded.
func (c *Config) Refresh() time.Duration {
	switch c.RefreshInterval {
	case "":
		return 0
	case "off":
		return -1
	}
	d, _ := time.ParseDuration(c.RefreshInterval)
	return d
}

// Provider is one named account on one service.
type Provider struct {
	Name string `yaml:"name"`
	// Type is github, azuredevops, bitbucket, gitlab or gitea.
	Type string `yaml:"type"`
	// URL is the server for self-hosted services (empty: the public one).
	URL string `yaml:"url,omitempty"`
	// User is the account name where the service needs one (Bitbucket).
	User string `yaml:"user,omitempty"`
	// Org is the default organisation, workspace or group.
	Org string `yaml:"org,omitempty"`
	// CredentialHelper opts into asking the user's credential helper for
	// the token when neither the environment nor the keyring has one:
	// git (git credential fill), gh (GitHub) or glab (GitLab).
	CredentialHelper string `yaml:"credential_helper,omitempty"`
	// Owners are the organisations, groups or users (the first segment of
	// a remote's path) whose repositories this provider's token is for.
	// Only asked when several providers serve one git host: a repository
	// found on disk gets the token of the provider whose org or owners
	// name its owner (see the README's "Two accounts on one host").
	Owners []string `yaml:"owners,omitempty"`
}

// Kinds returns the provider types, in the order help text lists them
// (engine/provider's table of kinds).
func Kinds() []string { return provider.KindNames() }

// Find returns the provider called name (names compare case-insensitively).
func (c *Config) Find(name string) (Provider, bool) {
	for _, p := range c.Providers {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Provider{}, false
}

// Upsert adds p, or replaces the provider of the same name in place.
func (c *Config) Upsert(p Provider) {
	for i := range c.Providers {
		if strings.EqualFold(c.Providers[i].Name, p.Name) {
			c.Providers[i] = p
			return
		}
	}
	c.Providers = append(c.Providers, p)
}

// Remove deletes the provider called name and reports whether it existed.
// The default is cleared when it named that provider.
func (c *Config) Remove(name string) bool {
	for i, p := range c.Providers {
		if strings.EqualFold(p.Name, name) {
			c.Providers = append(c.Providers[:i], c.Providers[i+1:]...)
			if strings.EqualFold(c.DefaultProvider, name) {
				c.DefaultProvider = ""
			}
			return true
		}
	}
	return false
}

// SelfHosted reports whether the provider has its own server URL.
func (p Provider) SelfHosted() bool { return p.URL != "" }

// Kind is the table row of p's type (zero when the type is unknown).
func (p Provider) Kind() provider.KindInfo {
	k, _ := provider.LookupKind(p.Type)
	return k
}

// GitHost is where p's repositories are cloned from, as git.URLHost
// writes hosts (lower case, default port dropped); "" when unknown.
func (p Provider) GitHost() string { return p.Kind().GitHostOf(p.URL) }

// GitUser is the basic-auth user git sends with p's token.
func (p Provider) GitUser() string { return p.Kind().GitUserFor(p.User) }

// TokenEnv are the conventional variables of p's token, in the order read
// (none of the public service's for a self-hosted server).
func (p Provider) TokenEnv() []string { return p.Kind().TokenVars(p.SelfHosted()) }

// ProviderConfig is the engine's configuration of p, without a token.
func (p Provider) ProviderConfig() provider.Config {
	return provider.Config{Name: p.Name, Kind: p.Type, URL: p.URL, User: p.User, Org: p.Org}
}

// namePattern is what a provider name may be: it becomes part of an
// environment variable name, a keyring key and a --provider argument.
// Compiled on first use, not in package init: init runs before every command, and most never need it.
var namePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`) })

// FieldError is a bad value: where it is (line 0 when not from a file) and
// how to fix it.
type FieldError struct {
	File  string
	Line  int
	Field string // "providers[1].url"
	Msg   string
	Fix   string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString(" (" + e.Fix + ")")
	}
	return b.String()
}

// lines maps a field path ("providers[0].url") to its line in the file;
// nil when validating a value built in code.
type lines map[string]int

// Validate checks every value; the first problem is returned.
func (c *Config) Validate() error { return c.validate("", nil) }

// ValidateProvider checks one provider entry as it would be saved.
func ValidateProvider(p Provider) error {
	return validateProvider(p, "", "", nil)
}

func (c *Config) validate(file string, at lines) error {
	fe := func(field, msg, fix string) error {
		return &FieldError{File: file, Line: at[field], Field: field, Msg: msg, Fix: fix}
	}
	if len(c.Keys) > 0 {
		if _, err := keys.WithOverrides(c.Keys); err != nil {
			return fe("keys", err.Error(), "name actions from: "+strings.Join(keys.Actions(), ", ")+"; give each a list of keys, e.g. pull: [P]")
		}
	}
	if v := c.RefreshInterval; v != "" && v != "off" {
		if d, err := time.ParseDuration(v); err != nil || d < MinRefreshInterval {
			return fe("refresh_interval", fmt.Sprintf("%q is not a duration of at least %s", v, MinRefreshInterval),
				`use a duration such as "30s" or "5m", or "off" to refresh only on a key or a change on disk`)
		}
	}
	if c.Concurrency < 0 || c.Concurrency > MaxConcurrency {
		return fe("concurrency", fmt.Sprintf("%d is out of range", c.Concurrency),
			fmt.Sprintf("use 1 to %d, or 0 for mgit's defaults", MaxConcurrency))
	}
	switch c.Layout {
	case "", LayoutHost, LayoutFlat:
	default:
		return fe("layout", fmt.Sprintf("unknown layout %q", c.Layout), "use host (<root>/<host>/<org>/<repo>) or flat (<root>/<repo>)")
	}
	if c.Workspace != "" && !filepath.IsAbs(c.Workspace) && !strings.HasPrefix(c.Workspace, "~/") && c.Workspace != "~" {
		return fe("workspace", fmt.Sprintf("%q is relative", c.Workspace), "use an absolute path or one starting with ~/")
	}
	if c.Query != "" {
		if _, err := provider.ParseQuery(c.Query); err != nil {
			return fe("query", err.Error(), "use org, org/repo or org/project/repo with * ? [...] globs, e.g. acme/*-api")
		}
	}
	envNames := map[string]string{}
	for i, p := range c.Providers {
		prefix := fmt.Sprintf("providers[%d]", i)
		if err := validateProvider(p, file, prefix, at); err != nil {
			return err
		}
		key := envKey(p.Name)
		if prev, ok := envNames[key]; ok {
			return fe(prefix+".name", fmt.Sprintf("%q clashes with %q", p.Name, prev),
				"names are compared ignoring case and punctuation (both use the variable MGIT_TOKEN_"+key+"); rename one")
		}
		envNames[key] = p.Name
	}
	if c.DefaultProvider != "" {
		if _, ok := c.Find(c.DefaultProvider); !ok {
			return fe("default_provider", fmt.Sprintf("no provider is called %q", c.DefaultProvider),
				"use the name of an entry under providers: ("+strings.Join(c.names(), ", ")+"), or remove the key")
		}
	}
	return nil
}

func (c *Config) names() []string {
	out := make([]string, len(c.Providers))
	for i, p := range c.Providers {
		out[i] = p.Name
	}
	return out
}

// envKey is the provider name as secure.EnvName spells its suffix.
func envKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func validateProvider(p Provider, file, prefix string, at lines) error {
	field := func(f string) string {
		if prefix == "" {
			return f
		}
		return prefix + "." + f
	}
	fe := func(f, msg, fix string) error {
		line := at[field(f)]
		if line == 0 {
			line = at[prefix]
		}
		return &FieldError{File: file, Line: line, Field: field(f), Msg: msg, Fix: fix}
	}
	if p.Name == "" {
		return fe("name", "missing", "give every provider a name, e.g. name: work")
	}
	if !namePattern().MatchString(p.Name) {
		return fe("name", fmt.Sprintf("%q is not a valid name", p.Name), "use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters")
	}
	kind, known := provider.LookupKind(p.Type)
	switch {
	case p.Type == "":
		return fe("type", "missing", "use one of "+strings.Join(Kinds(), ", "))
	case !known:
		return fe("type", fmt.Sprintf("unknown provider type %q", p.Type), "use one of "+strings.Join(Kinds(), ", "))
	}
	if p.URL != "" {
		if err := checkURL(p.URL); err != nil {
			return fe("url", err.Error(), "use the server's https:// URL without credentials, e.g. https://git.example.com")
		}
	}
	if kind.API == "" && p.URL == "" {
		return fe("url", p.Type+" needs the server URL", "add url: "+kind.URLExample)
	}
	if kind.OrgRequired != "" && p.URL == "" && p.Org == "" {
		return fe("org", kind.OrgRequired+" needs the organisation", kind.OrgFix)
	}
	if err := checkHelper(p, fe); err != nil {
		return err
	}
	for f, v := range map[string]string{"user": p.User, "org": p.Org} {
		if strings.ContainsAny(v, " \t\r\n") {
			return fe(f, fmt.Sprintf("%q contains white space", v), "remove the spaces")
		}
	}
	for _, o := range p.Owners {
		if o == "" || strings.ContainsAny(o, " \t\r\n/") {
			return fe("owners", fmt.Sprintf("%q is not an owner", o), "list organisation, group or user names, one path segment each, e.g. owners: [acme, acme-labs]")
		}
	}
	// The provider's own checks (e.g. a URL it cannot use), without a token.
	if _, err := provider.New(p.ProviderConfig()); err != nil {
		return fe("url", err.Error(), "check type and url")
	}
	return nil
}

// checkHelper accepts git's credential helper for every kind, and a
// kind's own helper (gh, glab: the table's CredentialHelper) for that
// kind only.
func checkHelper(p Provider, fe func(f, msg, fix string) error) error {
	if p.CredentialHelper == "" || p.CredentialHelper == helperGit {
		return nil
	}
	known := []string{helperGit + " (git credential fill)"}
	for _, k := range provider.Kinds() {
		if k.CredentialHelper == "" {
			continue
		}
		known = append(known, k.CredentialHelper+" ("+k.Title+")")
		if k.CredentialHelper == p.CredentialHelper && k.Kind != p.Type {
			return fe("credential_helper", fmt.Sprintf("%s holds %s tokens, not %s", p.CredentialHelper, k.Kind, p.Type), "use git, or remove the key")
		}
		if k.CredentialHelper == p.CredentialHelper {
			return nil
		}
	}
	return fe("credential_helper", fmt.Sprintf("unknown credential helper %q", p.CredentialHelper),
		"use "+strings.Join(known[:len(known)-1], ", ")+" or "+known[len(known)-1])
}

// helperGit is git's own credential helper (git credential fill), which
// serves every kind.
const helperGit = "git"

// checkURL accepts https URLs, and http only for the loopback interface:
// a token sent over plain http can be read on the way.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.User != nil {
		return errors.New("URL contains credentials")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q has a query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return fmt.Errorf("%q uses http, which would send the token in clear text (http is allowed for localhost only)", raw)
		}
	default:
		return fmt.Errorf("%q must start with https://", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}
