package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/ui/headless"
)

// ConfigOptions are `mgit config ACTION [NAME]`.
type ConfigOptions struct {
	f *Factory
	// Action is the subcommand: list, show, set-default, remove or path.
	Action string
	// Name is the provider NAME of show, set-default and remove.
	Name string
}

// NewCmdConfig is `mgit config` and its subcommands. runF, when not nil,
// runs instead of configRun (tests).
func NewCmdConfig(f *Factory, runF func(context.Context, *ConfigOptions) error) *cobra.Command {
	opts := &ConfigOptions{f: f}
	run := func(cmd *cobra.Command, args []string) error {
		opts.Action = cmd.Name()
		if len(args) > 0 {
			opts.Name = args[0]
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return configRun(cmd.Context(), opts)
	}
	cmd := &cobra.Command{
		Use:   "config list|show NAME|set-default NAME|remove NAME|path",
		Short: "Show and change the configured providers",
		Long: `Show and change the configuration file: the providers (added by 'mgit
login'), the default provider, and where the file is.

The file is YAML at --config, else $MGIT_CONFIG, else
$XDG_CONFIG_HOME/mgit/config.yaml (~/.config/mgit/config.yaml). It never
holds a token. Keys: default_provider, workspace, query, concurrency, layout and
providers (name, type, url, user, org); see docs/config.example.yaml.`,
		Example: `  mgit config list
  mgit config show work
  mgit config set-default work
  mgit config remove old-gitlab
  $EDITOR "$(mgit config path)"`,
		// Its subcommands inspect the file --config or MGIT_CONFIG names,
		// existing or not.
		Annotations: map[string]string{annotationNewConfig: "ok"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("Usage: mgit config list|show NAME|set-default NAME|remove NAME|path", "config: missing subcommand")
			}
			return usagef("Usage: mgit config list|show NAME|set-default NAME|remove NAME|path", "config: unknown subcommand %q", args[0])
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	one := func(use string) cobra.PositionalArgs {
		return func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("Usage: mgit config "+use, "config %s: give exactly one provider NAME", cmd.Name())
			}
			return nil
		}
	}
	cmd.AddCommand(
		&cobra.Command{
			Use: "list", Short: "List the configured providers and where their tokens come from",
			Args: maxArgs(0, "mgit config list"),
			RunE: run,
		},
		&cobra.Command{
			Use: "show NAME", Short: "Show one provider's settings", Args: one("show NAME"),
			RunE: run,
		},
		&cobra.Command{
			Use: "set-default NAME", Short: "Make NAME the default provider", Args: one("set-default NAME"),
			RunE: run,
		},
		&cobra.Command{
			Use: "remove NAME", Short: "Remove a provider and delete its token from the keyring", Args: one("remove NAME"),
			RunE: run,
		},
		&cobra.Command{
			Use: "path", Short: "Print the configuration file's path (works even when the file is broken)",
			Args:        maxArgs(0, "mgit config path"),
			Annotations: map[string]string{annotationConfig: "optional"},
			RunE:        run,
		},
	)
	return cmd
}

// configRun does opts.Action.
func configRun(_ context.Context, opts *ConfigOptions) error {
	switch opts.Action {
	case "list":
		return opts.list()
	case "show":
		return opts.show(opts.Name)
	case "set-default":
		return opts.setDefault(opts.Name)
	case "remove":
		return opts.remove(opts.Name)
	case "path":
		return opts.path()
	}
	return fmt.Errorf("config: unknown action %q", opts.Action)
}

// tokenSource says where a provider's token would come from, without
// showing it ("none: <why>" when nowhere).
func (opts *ConfigOptions) tokenSource(p config.Provider) string {
	c := opts.f
	tok, err := c.conf.store.Lookup(ref(p))
	if err != nil {
		if errors.Is(err, secure.ErrNotFound) && !errors.Is(err, secure.ErrNoKeyring) {
			return "none"
		}
		return "none (" + c.redact(err.Error()) + ")"
	}
	return tok.Source
}

func (opts *ConfigOptions) list() error {
	c := opts.f
	cfg := c.conf.cfg
	if c.format == headless.FormatJSON {
		for _, p := range cfg.Providers {
			if err := writeJSON(c.stdout, providerJSON(cfg, p, opts.tokenSource(p))); err != nil {
				return err
			}
		}
		return nil
	}
	if len(cfg.Providers) == 0 {
		_, err := fmt.Fprintf(c.stdout, "No provider configured in %s.\nAdd one with: mgit login --provider github --name work\n", c.conf.pathForHumans())
		return outputErr(err)
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tURL\tUSER\tORG\tTOKEN")
	for _, p := range cfg.Providers {
		name := p.Name
		if strings.EqualFold(p.Name, cfg.DefaultProvider) {
			name += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, p.Type, dash(p.URL), dash(p.User), dash(p.Org), opts.tokenSource(p))
	}
	return outputErr(tw.Flush())
}

func providerJSON(cfg *config.Config, p config.Provider, source string) map[string]any {
	return map[string]any{
		"type": "provider", "name": p.Name, "kind": p.Type, "url": p.URL, "user": p.User, "org": p.Org,
		"default": strings.EqualFold(p.Name, cfg.DefaultProvider), "token_source": source,
		"token_env": secure.EnvName(p.Name), "git_host": p.GitHost(), "credential_helper": p.CredentialHelper,
		"owners": append([]string{}, p.Owners...),
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (opts *ConfigOptions) findProvider(name string) (config.Provider, error) {
	c := opts.f
	p, ok := c.conf.cfg.Find(name)
	if !ok {
		known := "none configured"
		if names := providerNames(c.conf.cfg); len(names) > 0 {
			known = "configured: " + strings.Join(names, ", ")
		}
		return p, usagef("Names are listed by 'mgit config list' ("+known+").", "no provider called %q", name)
	}
	return p, nil
}

func (opts *ConfigOptions) show(name string) error {
	c := opts.f
	p, err := opts.findProvider(name)
	if err != nil {
		return err
	}
	src := opts.tokenSource(p)
	if c.format == headless.FormatJSON {
		return writeJSON(c.stdout, providerJSON(c.conf.cfg, p, src))
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, kv := range [][2]string{
		{"name", p.Name}, {"type", p.Type}, {"url", dash(p.URL)}, {"user", dash(p.User)}, {"org", dash(p.Org)},
		{"default", fmt.Sprint(strings.EqualFold(p.Name, c.conf.cfg.DefaultProvider))},
		{"owners", dash(strings.Join(p.Owners, ", "))},
		{"git host", dash(p.GitHost())},
		{"token", src},
		{"credential helper", dash(p.CredentialHelper)},
		{"token variables", strings.Join(append([]string{secure.EnvName(p.Name)}, ref(p).TokenEnv...), ", ")},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	return outputErr(tw.Flush())
}

func (opts *ConfigOptions) setDefault(name string) error {
	c := opts.f
	p, err := opts.findProvider(name)
	if err != nil {
		return err
	}
	c.conf.cfg.DefaultProvider = p.Name
	if err := config.Save(c.conf.path, c.conf.cfg); err != nil {
		return usagef("", "config set-default: %s", err)
	}
	_, err = fmt.Fprintf(c.stdout, "Default provider: %s\n", p.Name)
	return outputErr(err)
}

func (opts *ConfigOptions) remove(name string) error {
	c := opts.f
	p, err := opts.findProvider(name)
	if err != nil {
		return err
	}
	// The token goes with the entry: a keyring item nobody refers to is a
	// secret nobody remembers to revoke.
	backend, derr := c.conf.store.Delete(ref(p))
	if derr != nil && !errors.Is(derr, secure.ErrNotFound) {
		c.logs.log.Warn().Str("provider", p.Name).Str("error", c.redact(derr.Error())).Msg("config remove: token not deleted")
	}
	c.conf.cfg.Remove(p.Name)
	if err := config.Save(c.conf.path, c.conf.cfg); err != nil {
		return usagef("", "config remove: %s", err)
	}
	c.logs.log.Info().Bool("audit", true).Str("provider", p.Name).Bool("token_deleted", derr == nil).Msg("provider removed")
	msg := fmt.Sprintf("Removed %s from %s.", p.Name, c.conf.path)
	if derr == nil {
		msg += fmt.Sprintf(" Deleted its token from the %s keyring.", backend)
	} else if !errors.Is(derr, secure.ErrNotFound) {
		msg += " Its token could not be deleted from the keyring: " + c.redact(derr.Error())
	}
	_, err = fmt.Fprintln(c.stdout, msg)
	return outputErr(err)
}

func (opts *ConfigOptions) path() error {
	c := opts.f
	if c.conf.path == "" {
		return usagef("Set HOME or XDG_CONFIG_HOME, or give --config FILE.", "config path: no configuration file can be named")
	}
	_, statErr := os.Stat(c.conf.path)
	if c.format == headless.FormatJSON {
		m := map[string]any{"type": "config", "path": c.conf.path, "exists": statErr == nil}
		if c.conf.loadErr != nil {
			m["error"] = c.conf.loadErr.Error()
		}
		return writeJSON(c.stdout, m)
	}
	if _, err := fmt.Fprintln(c.stdout, c.conf.path); err != nil {
		return outputErr(err)
	}
	if c.conf.loadErr != nil {
		fmt.Fprintf(c.stderr, "mgit: the file has an error: %s\n", c.conf.loadErr)
	}
	return nil
}
