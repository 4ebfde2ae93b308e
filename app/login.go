package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/ui/headless"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// maxTokenLen bounds what --token-stdin reads: a token is short, and a
// mistaken pipe of a large file should fail, not be stored.
const maxTokenLen = 16 << 10

// validateTimeout bounds the token check against the provider.
const validateTimeout = time.Minute

// LoginOptions are `mgit login`.
type LoginOptions struct {
	f                          *Factory
	kind, name, url, user, org string
	tokenStdin                 bool
	// helper is --credential-helper: take the token from it (and keep
	// asking it), storing nothing in the keyring.
	helper string
}

// NewCmdLogin is `mgit login`. runF, when not nil, runs instead of
// loginRun (tests).
func NewCmdLogin(f *Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{f: f}
	cmd := &cobra.Command{
		Use:   "login --provider KIND --name NAME [--url URL] [--user USER] [--org ORG] [--token-stdin]",
		Short: "Check a provider token and keep it in the keyring",
		Long: `Log in to a provider: ask for a token (hidden input on a terminal, or read
from stdin with --token-stdin), check it against the provider, store it in
the keyring and write the provider's settings — never the token — to the
configuration file. Run it again to replace the token; for a provider
already configured, --name alone is enough.

` + loginKindsHelp(provider.Kinds()) + `

The keyring is the first of secret-service, kernel keyctl and the encrypted
file (password from MGIT_KEYRING_PASSWORD, at least 12 characters) that
passes a write/read/delete probe, or the one MGIT_KEYRING_BACKEND names. The
item belongs to this configuration file and this server: a login with
another --config, or in another HOME, never replaces it.

With --credential-helper git|gh|glab the token is taken from your credential
helper (git credential fill, gh auth token, glab) without a prompt, checked,
and not stored: the configuration records the helper, which is asked again
whenever the environment and the keyring have no token.` + "\n\n" + credroute.Help,
		Example: `  mgit login --provider github --name work
  echo "$TOKEN" | mgit login --provider github --name ghe --url https://ghe.example.com --token-stdin
  mgit login --provider azuredevops --name ado --org contoso
  mgit login --provider bitbucket --name bb --user jane --org team-workspace
  mgit login --provider github --name gh --credential-helper gh
  MGIT_KEYRING_BACKEND=file MGIT_KEYRING_PASSWORD=... mgit login --name work --token-stdin < token.txt`,
		Args: maxArgs(0, "mgit login --provider KIND --name NAME [--token-stdin]"),
		// Creates the file --config or MGIT_CONFIG names.
		Annotations: map[string]string{annotationNewConfig: "ok"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.kind, "provider", "", "provider type: "+strings.Join(config.Kinds(), ", "))
	fl.StringVar(&opts.name, "name", "", "name of this provider in the configuration (default: the type)")
	fl.StringVar(&opts.url, "url", "", "server URL of a self-hosted service")
	fl.StringVar(&opts.user, "user", "", "account name, where the service needs one (Bitbucket)")
	fl.StringVar(&opts.org, "org", "", "default organisation, workspace or group")
	fl.BoolVar(&opts.tokenStdin, "token-stdin", false, "read the token from stdin instead of prompting")
	fl.StringVar(&opts.helper, "credential-helper", "", "take the token from git (git credential fill), gh or glab, now and whenever the environment and keyring have none; nothing is stored in the keyring")
	return cmd
}

// entry is the provider entry login will write: an existing entry of
// the same name, updated with the flags given.
func (opts *LoginOptions) entry() (config.Provider, error) {
	c, f := opts.f, opts
	name := f.name
	if name == "" {
		name = f.kind
	}
	if name == "" {
		return config.Provider{}, usagef("Usage: mgit login --provider KIND --name NAME", "login: give --provider (%s) and --name", strings.Join(config.Kinds(), ", "))
	}
	if f.kind != "" && !slices.Contains(config.Kinds(), f.kind) {
		return config.Provider{}, usagef("Use --provider "+strings.Join(config.Kinds(), "|")+".", "login: unknown --provider %q", f.kind)
	}
	p, exists := c.conf.cfg.Find(name)
	if !exists {
		p = config.Provider{Name: name}
	}
	if f.kind != "" {
		if exists && p.Type != f.kind {
			return p, usagef("Choose another --name, or 'mgit config remove "+p.Name+"' first.",
				"login: provider %s is of type %s, not %s", p.Name, p.Type, f.kind)
		}
		p.Type = f.kind
	}
	if p.Type == "" {
		return p, usagef("Add --provider "+strings.Join(config.Kinds(), "|")+".", "login: %s is not configured yet: --provider is required", name)
	}
	for dst, v := range map[*string]string{&p.URL: f.url, &p.User: f.user, &p.Org: f.org, &p.CredentialHelper: f.helper} {
		if v != "" {
			*dst = v
		}
	}
	p.URL = strings.TrimRight(p.URL, "/")
	if err := config.ValidateProvider(p); err != nil {
		return p, usagef("Fix the flag the message names.", "login: %s", err)
	}
	return p, nil
}

// loginRun checks a token against the provider and keeps it.
func loginRun(ctx context.Context, opts *LoginOptions) error {
	c, f := opts.f, opts
	if c.conf.path == "" {
		return usagef("Set HOME or XDG_CONFIG_HOME, or give --config FILE.", "login: nowhere to write the configuration")
	}
	p, err := f.entry()
	if err != nil {
		return err
	}
	if f.helper != "" && f.tokenStdin {
		return usagef("Give one of them.", "login: --credential-helper and --token-stdin both name where the token comes from")
	}
	token, err := f.token(p)
	if err != nil {
		return err
	}
	c.conf.red.Register(token)

	pc := p.ProviderConfig()
	pc.Token = token
	pc.UserAgent = "mgit/" + version()
	pc.Observe = c.providerSet(providerOptions{}).observeProvider
	pr, err := provider.New(pc)
	if err != nil {
		return usagef("Check --url.", "login: %s", err)
	}
	vctx, cancel := context.WithTimeout(ctx, validateTimeout)
	defer cancel()
	id, err := pr.Validate(vctx)
	if ctx.Err() != nil {
		return interrupted(nil)
	}
	if err != nil {
		c.logs.audit(auditLoginFailed, err, "provider", p.Name, "kind", p.Type)
		pe := &providerError{name: p.Name, err: err}
		msg := fmt.Errorf("login %s: token not accepted: %w", p.Name, err)
		if pe.code() != exitAuth {
			msg = fmt.Errorf("login %s: could not check the token: %w", p.Name, err)
		}
		if errors.Is(err, provider.ErrUnauthorized) {
			msg = fmt.Errorf("%w (check that you copied the whole token, that it has not expired, and --url)", msg)
		}
		return &exitError{code: pe.code(), err: msg}
	}

	backend := "credential helper " + f.helper
	if f.helper == "" {
		backend, err = c.conf.store.Set(ref(p), token)
		if err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("login %s: the token is valid but could not be stored: %w "+
				"(set %s=file and %s, or use %s instead of logging in)", p.Name, err, secure.EnvBackend, secure.EnvPassword, secure.EnvName(p.Name))}
		}
	}
	cfg := c.conf.cfg
	if prev, had := cfg.Find(p.Name); had && ref(prev).URL != ref(p).URL {
		// The item of the provider's old server: nobody refers to it any
		// more, and a secret nobody refers to is one nobody revokes.
		if _, err := c.conf.store.Delete(ref(prev)); err != nil && !errors.Is(err, secure.ErrNotFound) {
			c.logs.log.Warn().Str("provider", p.Name).Str("error", c.redact(err.Error())).Msg("login: the old server's token was not deleted")
		}
	}
	cfg.Upsert(p)
	if cfg.DefaultProvider == "" {
		cfg.DefaultProvider = p.Name
	}
	if err := config.Save(c.conf.path, cfg); err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("login %s: token stored in %s, but the configuration could not be written: %w", p.Name, backend, err)}
	}
	c.logs.audit(auditLogin, nil, "provider", p.Name, "kind", p.Type, "login", id.Login, "backend", backend)
	return f.print(p, id, backend)
}

// credentialURL is the server a provider's keyring item is bound to: its
// configured URL, or the public service's web address.
func credentialURL(p config.Provider) string {
	if p.URL != "" {
		return p.URL
	}
	if h := p.GitHost(); h != "" {
		return "https://" + h
	}
	return ""
}

// credentialGitURL is scheme://host[:port] where git serves p's
// repositories: what a credential helper is asked about.
func credentialGitURL(p config.Provider) string {
	h := p.GitHost()
	if h == "" {
		return ""
	}
	scheme := "https"
	if u, err := url.Parse(p.URL); err == nil && u.Scheme == "http" {
		scheme = "http"
	}
	return scheme + "://" + h
}

// token is the token login checks: the credential helper's with
// --credential-helper, else what readToken reads.
func (opts *LoginOptions) token(p config.Provider) (string, error) {
	c, f := opts.f, opts
	if f.helper == "" {
		return f.readToken(p, f.tokenStdin)
	}
	tok, err := c.conf.store.HelperToken(ref(p))
	if err != nil {
		return "", &exitError{code: exitAuth, err: fmt.Errorf("login %s: %s has no token for it: %w "+
			"(log in with that tool first, or leave out --credential-helper)", p.Name, f.helper, err)}
	}
	return tok.Value, nil
}

// readToken reads the token from stdin with --token-stdin, else prompts
// with hidden input on a terminal; without a terminal it refuses rather
// than hang.
func (opts *LoginOptions) readToken(p config.Provider, fromStdin bool) (string, error) {
	c := opts.f
	var raw []byte
	var err error
	fd := int(os.Stdin.Fd())
	switch {
	case fromStdin:
		raw, err = io.ReadAll(io.LimitReader(os.Stdin, maxTokenLen+1))
		if err != nil {
			return "", usagef("", "login: read token from stdin: %v", err)
		}
		if len(raw) > maxTokenLen {
			return "", usagef("Pipe only the token.", "login: stdin holds more than %d bytes", maxTokenLen)
		}
	case term.IsTerminal(fd):
		fmt.Fprintf(c.stderr, "Token for %s (%s), input hidden: ", p.Name, p.Type)
		c.flushStreams() // the prompt has no newline; a redirected stderr holds it otherwise
		raw, err = term.ReadPassword(fd)
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", usagef("", "login: read token: %v", err)
		}
	default:
		return "", usagef("Pipe the token with --token-stdin, e.g. "+loginCommandFor(p)+" --token-stdin < token.txt",
			"login: stdin is not a terminal, so the token cannot be asked for")
	}
	token := strings.TrimSpace(string(raw))
	if token == "" {
		return "", usagef("Paste the token, or pipe it with --token-stdin.", "login: empty token")
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", usagef("Give only the token, on one line.", "login: the token contains white space")
	}
	return token, nil
}

// loginCommandFor is the login command line that configures p from
// scratch: --name alone fails while the provider is not configured yet.
func loginCommandFor(p config.Provider) string {
	args := []string{"mgit login --provider", p.Type, "--name", p.Name}
	for _, f := range []struct{ flag, v string }{{"--url", p.URL}, {"--user", p.User}, {"--org", p.Org}} {
		if f.v != "" {
			args = append(args, f.flag, f.v)
		}
	}
	return strings.Join(args, " ")
}

func (opts *LoginOptions) print(p config.Provider, id provider.Identity, backend string) error {
	c := opts.f
	override := c.getenv(secure.EnvName(p.Name)) != ""
	var err error
	if c.format == headless.FormatJSON {
		err = json.NewEncoder(c.stdout).Encode(map[string]any{
			"type": "login", "provider": p.Name, "kind": p.Type, "login": id.Login,
			"backend": backend, "scopes": id.Scopes, "warning": id.Warning, "config": c.conf.path,
		})
	} else {
		var b strings.Builder
		fmt.Fprintf(&b, "Logged in to %s (%s) as %s.\n", p.Name, p.Type, safetext.Sanitize(id.Login))
		if p.CredentialHelper != "" && strings.HasPrefix(backend, "credential helper") {
			fmt.Fprintf(&b, "Token read from the %s (mgit stores no copy); settings written to %s.\n", backend, c.conf.path)
		} else {
			fmt.Fprintf(&b, "Token stored in the %s keyring; settings written to %s.\n", backend, c.conf.path)
		}
		if id.Scopes != nil {
			fmt.Fprintf(&b, "Token scopes: %s\n", orNone(strings.Join(id.Scopes, ", ")))
		}
		if id.Warning != "" {
			fmt.Fprintf(&b, "Warning: %s\n", safetext.Sanitize(id.Warning))
		}
		if backend == secure.BackendKeyctl {
			b.WriteString("Note: the kernel keyring forgets the token at reboot or logout.\n")
		}
		if override {
			fmt.Fprintf(&b, "Note: %s is set and takes precedence over the stored token.\n", secure.EnvName(p.Name))
		}
		_, err = io.WriteString(c.stdout, b.String())
	}
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("output: %w", err)}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// writeJSON writes one NDJSON line to w.
func writeJSON(w io.Writer, v any) error {
	return outputErr(json.NewEncoder(w).Encode(v))
}

func outputErr(err error) error {
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("output: %w", err)}
	}
	return nil
}
