package app

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine/provider"
)

// The provider of a sync given without a config file: a container has
// only its environment (a read-only root cannot run `mgit login`).
const (
	envProviderKind = "MGIT_PROVIDER"     // a kind of provider.Kinds()
	envProviderURL  = "MGIT_PROVIDER_URL" // the server of a self-hosted provider
)

// providerFlags are sync's --provider-kind and --provider-url.
type providerFlags struct {
	kind, url string
}

func (f *providerFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "provider-kind", "", providerKindUsage(provider.Kinds()))
	fl.StringVar(&f.url, "provider-url", "", "server URL of that provider when self-hosted; default $"+envProviderURL)
}

// useEnvProvider replaces the configured providers, for this process only
// (nothing is saved), by the one --provider-kind or MGIT_PROVIDER names,
// called after its kind: its token is then MGIT_TOKEN_<KIND> or the kind's
// usual variable (GITHUB_TOKEN for github.com; GH_ENTERPRISE_TOKEN for a
// GitHub Enterprise URL, so a github.com token never reaches another
// server). Everything that resolves providers — listing, the git hosts'
// tokens, the input rules — then sees that one provider. Without a kind
// it does nothing; a URL without a kind is an error, not silently ignored.
func (c *Factory) useEnvProvider(cmd *cobra.Command, f providerFlags, only string) error {
	kind, url := f.kind, f.url
	if !cmd.Flags().Changed("provider-kind") {
		kind = strings.TrimSpace(c.getenv(envProviderKind))
	}
	if !cmd.Flags().Changed("provider-url") {
		url = strings.TrimSpace(c.getenv(envProviderURL))
	}
	if kind == "" {
		if url != "" {
			return usagef("Also give --provider-kind (or "+envProviderKind+"), e.g. github.",
				"--provider-url / %s without a provider kind", envProviderURL)
		}
		return nil
	}
	if only != "" {
		return usagef("Use --provider NAME for a configured provider, or --provider-kind for one from the environment, not both.",
			"--provider and --provider-kind both given")
	}
	p := config.Provider{Name: strings.ToLower(kind), Type: strings.ToLower(kind), URL: url}
	if err := config.ValidateProvider(p); err != nil {
		return usagef("Set "+envProviderKind+" to one of "+strings.Join(config.Kinds(), ", ")+
			" and "+envProviderURL+" to the server's https:// URL (self-hosted only).", "provider from the environment: %s", err)
	}
	c.conf.cfg.Providers = []config.Provider{p}
	c.conf.cfg.DefaultProvider = ""
	return nil
}
