package provider

import "fmt"

// New builds the provider cfg.Kind names.
func New(cfg Config) (Provider, error) {
	switch cfg.Kind {
	case KindGitHub:
		return newGitHub(cfg)
	case KindGitea:
		return newGitea(cfg)
	case KindAzureDevOps:
		return newAzureDevOps(cfg)
	case KindBitbucket:
		return newBitbucket(cfg)
	case KindGitLab:
		return newGitLab(cfg)
	default:
		return nil, fmt.Errorf("provider %s: unknown kind %q (want %s, %s, %s, %s or %s)",
			cfg.Name, cfg.Kind, KindGitHub, KindAzureDevOps, KindBitbucket, KindGitLab, KindGitea)
	}
}
