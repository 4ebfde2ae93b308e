package secure

import "strings"

// SecretEnv reports whether the environment variable name holds a secret
// that mgit reads: MGIT_TOKEN, MGIT_TOKEN_<NAME>, MGIT_KEYRING_PASSWORD,
// MGIT_KEYRING_OLD_PASSWORD, or
// a provider's conventional token variable (ConventionalEnv of every kind,
// github.com and self-hosted). Processes mgit starts — git, and through it
// hooks and filters — are given an environment without them.
func SecretEnv(name string) bool {
	name = strings.ToUpper(name)
	if name == EnvPassword || name == EnvOldPassword || name == strings.TrimSuffix(EnvTokenPrefix, "_") || strings.HasPrefix(name, EnvTokenPrefix) {
		return true
	}
	for _, ref := range []Ref{
		{Kind: "github"}, {Kind: "github", SelfHosted: true},
		{Kind: "azuredevops"}, {Kind: "gitlab"}, {Kind: "bitbucket"}, {Kind: "gitea"},
	} {
		for _, v := range ConventionalEnv(ref) {
			if name == v {
				return true
			}
		}
	}
	return false
}
