package secure

import "strings"

// SecretEnv is the predicate of environment variables that hold a secret
// mgit reads: MGIT_TOKEN, MGIT_TOKEN_<NAME>, MGIT_KEYRING_PASSWORD,
// MGIT_KEYRING_OLD_PASSWORD, and the providers' conventional token
// variables, which the caller lists (every kind's, public and self-hosted:
// they are facts of the provider kinds, which secure does not know).
// Processes mgit starts — git, and through it hooks and filters — are
// given an environment without them.
func SecretEnv(tokenEnv []string) func(name string) bool {
	conventional := make(map[string]bool, len(tokenEnv))
	for _, v := range tokenEnv {
		conventional[strings.ToUpper(v)] = true
	}
	return func(name string) bool {
		name = strings.ToUpper(name)
		return name == EnvPassword || name == EnvOldPassword || name == strings.TrimSuffix(EnvTokenPrefix, "_") ||
			strings.HasPrefix(name, EnvTokenPrefix) || conventional[name]
	}
}
