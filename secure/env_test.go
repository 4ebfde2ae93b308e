package secure

import "testing"

// TestSecretEnv: every variable a token is read from — mgit's own and the
// conventional ones the caller names — is a secret for child processes;
// ordinary variables, and mgit's settings that hold no secret, are not.
func TestSecretEnv(t *testing.T) {
	secretEnv := SecretEnv([]string{"GITHUB_TOKEN", "gitea_token"})
	for _, k := range []string{"MGIT_TOKEN", "MGIT_TOKEN_WORK", "mgit_token_work", EnvPassword, EnvOldPassword, "GITHUB_TOKEN", "github_token", "GITEA_TOKEN"} {
		if !secretEnv(k) {
			t.Errorf("SecretEnv(%q) = false", k)
		}
	}
	for _, k := range []string{"PATH", "HOME", "GIT_SSL_CAINFO", "MGIT_KEYRING_BACKEND", "MGIT_TOKENS", "GITHUB_TOKEN_FILE", "GITLAB_TOKEN"} {
		if secretEnv(k) {
			t.Errorf("SecretEnv(%q) = true", k)
		}
	}
}
