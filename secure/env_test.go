package secure

import "testing"

// TestSecretEnv: every variable a token is read from is a secret for child
// processes; ordinary variables, and mgit's settings that hold no secret,
// are not.
func TestSecretEnv(t *testing.T) {
	secret := []string{"MGIT_TOKEN", "MGIT_TOKEN_WORK", "mgit_token_work", EnvPassword, EnvOldPassword}
	for _, kind := range []string{"github", "azuredevops", "gitlab", "bitbucket", "gitea"} {
		for _, self := range []bool{false, true} {
			vars := ConventionalEnv(Ref{Kind: kind, SelfHosted: self})
			if len(vars) == 0 {
				t.Errorf("no conventional variable for %s", kind)
			}
			secret = append(secret, vars...)
		}
	}
	for _, k := range secret {
		if !SecretEnv(k) {
			t.Errorf("SecretEnv(%q) = false", k)
		}
	}
	for _, k := range []string{"PATH", "HOME", "GIT_SSL_CAINFO", "MGIT_KEYRING_BACKEND", "MGIT_TOKENS", "GITHUB_TOKEN_FILE"} {
		if SecretEnv(k) {
			t.Errorf("SecretEnv(%q) = true", k)
		}
	}
}
