package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/ui/headless"
)

// LogoutOptions are `mgit logout`.
type LogoutOptions struct {
	f      *Factory
	Name   string
	Remove bool
}

// NewCmdLogout is `mgit logout NAME`. runF, when not nil, runs instead of
// logoutRun (tests).
func NewCmdLogout(f *Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{f: f}
	cmd := &cobra.Command{
		Use:   "logout NAME [--remove]",
		Short: "Delete a provider's token from the keyring",
		Long: `Delete the token of the provider NAME from the keyring. The provider stays in
the configuration file unless --remove is given. A token in MGIT_TOKEN_<NAME>
or the provider's usual variable is not affected.`,
		Example: `  mgit logout work
  mgit logout old-gitlab --remove`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("Usage: mgit logout NAME [--remove]", "logout: give exactly one provider NAME")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Remove, "remove", false, "also remove the provider from the configuration file")
	return cmd
}

// logoutRun deletes the token of opts.Name (and with --remove the
// provider).
func logoutRun(_ context.Context, opts *LogoutOptions) error {
	c, name, remove := opts.f, opts.Name, opts.Remove
	p, configured := c.conf.cfg.Find(name)
	if configured {
		name = p.Name
	} else {
		// Not configured: only the unscoped item an older mgit kept under
		// the name can be found (and deleted).
		p = config.Provider{Name: name}
	}
	backend, err := c.conf.store.Delete(ref(p))
	deleted := err == nil
	if err != nil && !errors.Is(err, secure.ErrNotFound) {
		return &exitError{code: exitFailed, err: fmt.Errorf("logout %s: %w", name, err)}
	}
	if !configured && !deleted {
		return usagef("See 'mgit config list'.", "logout: no provider called %s and no token stored for it", name)
	}
	c.logs.audit(auditLogout, nil, "provider", name, "deleted", fmt.Sprint(deleted), "backend", backend)
	var lines []string
	if deleted {
		lines = append(lines, fmt.Sprintf("Deleted the token of %s from the %s keyring.", name, backend))
	} else {
		lines = append(lines, fmt.Sprintf("No token of %s was stored in the keyring.", name))
	}
	if remove && configured {
		c.conf.cfg.Remove(name)
		if err := config.Save(c.conf.path, c.conf.cfg); err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("logout %s: %w", name, err)}
		}
		lines = append(lines, fmt.Sprintf("Removed %s from %s.", name, c.conf.path))
	}
	if v := secure.EnvName(name); c.getenv(v) != "" {
		lines = append(lines, fmt.Sprintf("Note: %s is still set and still used.", v))
	}
	if c.format == headless.FormatJSON {
		return writeJSON(c.stdout, map[string]any{"type": "logout", "provider": name, "deleted": deleted, "backend": backend, "removed": remove && configured})
	}
	_, err = fmt.Fprintln(c.stdout, strings.Join(lines, "\n"))
	return outputErr(err)
}
