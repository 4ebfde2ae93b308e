package credroute

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
)

// tokens is a TokenFunc over a map that counts its lookups.
type tokens struct {
	mu     sync.Mutex
	values map[string]string // account name -> token
	asked  map[string]int
}

func (t *tokens) lookup(a Account) (string, string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.asked[a.Name]++
	if v, ok := t.values[a.Name]; ok {
		return v, "env " + a.EnvVar, nil
	}
	return "", "", errors.New("no token")
}

func newRouter(t *testing.T, def string, accounts []Account, values map[string]string, fallback string) (*Router, *tokens) {
	t.Helper()
	tk := &tokens{values: values, asked: map[string]int{}}
	env := map[string]string{EnvToken: fallback}
	return New(Config{Accounts: accounts, Default: def, Token: tk.lookup, Fallback: FromEnv(func(k string) string { return env[k] })}), tk
}

func TestRouteByHost(t *testing.T) {
	r, tk := newRouter(t, "", []Account{
		{Name: "work", GitHost: "github.com", GitUser: "x-access-token", EnvVar: "MGIT_TOKEN_WORK"},
		{Name: "lab", GitHost: "gitlab.example.com:8443", GitUser: "oauth2", EnvVar: "MGIT_TOKEN_LAB"},
		{Name: "ado", GitHost: "dev.azure.com", GitUser: "pat", EnvVar: "MGIT_TOKEN_ADO"},
		{Name: "nohost", EnvVar: "MGIT_TOKEN_NOHOST"},
	}, map[string]string{"work": "work-1", "lab": "lab-2"}, "fallback-3")
	for _, tc := range []struct{ host, user, pass, hint string }{
		{"github.com", "x-access-token", "work-1", "the token of provider work (from $MGIT_TOKEN_WORK) was rejected by github.com"},
		{"GitHub.com", "x-access-token", "work-1", ""},
		{"gitlab.example.com:8443", "oauth2", "lab-2", ""},
		{"gitlab.example.com", "oauth2", "lab-2", ""}, // one machine, git on another port
		{"dev.azure.com", "x-access-token", "fallback-3", "provider ado has no token, and $MGIT_TOKEN was rejected by dev.azure.com: run mgit login --name ado (or set MGIT_TOKEN_ADO)"},
	} {
		cred, ok := r.Credentials(tc.host)
		if !ok || cred.Username != tc.user || cred.Password != tc.pass || !strings.Contains(cred.Hint, tc.hint) {
			t.Errorf("Credentials(%q) = %v %q %q, %v; want %s:%s", tc.host, cred, cred.Password, cred.Hint, ok, tc.user, tc.pass)
		}
	}
	// With providers configured, a host none of them names gets no token,
	// MGIT_TOKEN included, and a hint saying so.
	if cred, ok := r.Credentials("elsewhere.example"); ok || cred.Password != "" || !strings.Contains(cred.Hint, "$MGIT_TOKEN is sent only to the git host of a configured provider") {
		t.Errorf("a foreign host got %q, %v (hint %q)", cred.Password, ok, cred.Hint)
	}
	if tk.asked["work"] != 1 || tk.asked["ado"] != 1 {
		t.Errorf("tokens looked up %v times; want once per account", tk.asked)
	}
	// Without MGIT_TOKEN, a provider's host without a token says which.
	r, _ = newRouter(t, "", []Account{{Name: "ado", GitHost: "dev.azure.com", EnvVar: "MGIT_TOKEN_ADO"}}, nil, "")
	if cred, ok := r.Credentials("dev.azure.com"); ok || !strings.Contains(cred.Hint, "provider ado has no token for dev.azure.com") {
		t.Errorf("no token: %v %q", ok, cred.Hint)
	}
	if cred, ok := r.Credentials("other.example"); ok || !strings.Contains(cred.Hint, "no credentials for other.example") {
		t.Errorf("no host: %v %q", ok, cred.Hint)
	}
}

// TestLearnOnlyOwnHostname: a listing teaches a git host on the
// provider's own hostname, never another machine.
func TestLearnOnlyOwnHostname(t *testing.T) {
	r, _ := newRouter(t, "", []Account{{Name: "ghe", GitHost: "ghe.example.com", GitUser: "u"}},
		map[string]string{"ghe": "ghe-1"}, "")
	r.Learn(provider.Repo{Provider: "GHE", Host: "evil.example"})
	if cred, _ := r.Credentials("evil.example"); cred.Password == "ghe-1" {
		t.Fatal("learned a foreign host")
	}
	r.Learn(provider.Repo{Provider: "ghe", Host: "ghe.example.com:2222"})
	if cred, ok := r.Credentials("ghe.example.com:2222"); !ok || cred.Password != "ghe-1" {
		t.Fatalf("git on another port of its own host: %v", ok)
	}
	// A listed repository on a foreign host gets a definite "none".
	cred, ok := r.CredentialsFor(engine.Repo{Provider: "ghe", Host: "evil.example"})
	if !ok || !cred.IsZero() || !strings.Contains(cred.Hint, "provider ghe listed this repository on evil.example") {
		t.Fatalf("foreign listing: %v %v %q", ok, cred, cred.Hint)
	}
	if _, ok := r.CredentialsFor(engine.Repo{Provider: "unknown", Host: "ghe.example.com"}); ok {
		t.Fatal("an unknown provider answered")
	}
}

// TestSharedHostOwners: two accounts on one host — a listed repository
// gets its lister's token; one found on disk the token of the account
// that owns its path, else the default's.
func TestSharedHostOwners(t *testing.T) {
	accounts := []Account{
		{Name: "work", GitHost: "github.com", GitUser: "x", Org: "acme"},
		{Name: "personal", GitHost: "github.com", GitUser: "x", Owners: []string{"octo", "octo-labs"}},
	}
	values := map[string]string{"work": "work-1", "personal": "personal-2"}
	r, _ := newRouter(t, "personal", accounts, values, "")
	for _, tc := range []struct {
		repo engine.Repo
		want string
	}{
		{engine.Repo{Provider: "work", Host: "github.com"}, "work-1"},
		{engine.Repo{Provider: "personal", Host: "github.com"}, "personal-2"},
		{engine.Repo{Host: "github.com", URL: "https://github.com/ACME/api.git"}, "work-1"},
		{engine.Repo{Host: "github.com", URL: "git@github.com:Octo-Labs/x.git"}, "personal-2"},
		{engine.Repo{Host: "github.com", URL: "https://github.com/someone/else"}, "personal-2"}, // the default
	} {
		cred, ok := r.CredentialsFor(tc.repo)
		if !ok || cred.Password != tc.want {
			t.Errorf("CredentialsFor(%+v) = %q, %v; want %s", tc.repo, cred.Password, ok, tc.want)
		}
	}
	// By host alone: the default's.
	if cred, _ := r.Credentials("github.com"); cred.Password != "personal-2" {
		t.Errorf("by host = %q, want the default's", cred.Password)
	}
	// No default: the first in the file.
	r, _ = newRouter(t, "", accounts, values, "")
	if cred, _ := r.CredentialsFor(engine.Repo{Host: "github.com", URL: "https://github.com/someone/else"}); cred.Password != "work-1" {
		t.Errorf("no default: %q, want the first's", cred.Password)
	}
	// A host only one account serves is answered by host.
	if _, ok := r.CredentialsFor(engine.Repo{Host: "gitlab.com", URL: "https://gitlab.com/acme/x"}); ok {
		t.Error("an unshared host answered by repository")
	}
}

func TestFromEnv(t *testing.T) {
	if FromEnv(func(string) string { return "" }) != nil {
		t.Fatal("a source without MGIT_TOKEN")
	}
	env := map[string]string{EnvToken: "t", EnvUsername: "me"}
	// No provider named anywhere: any host gets it, as before.
	if cred, ok := FromEnv(func(k string) string { return env[k] }).Credentials("h"); !ok || cred.Password != "t" {
		t.Fatalf("without a provider: %v %v %q", cred, ok, cred.Hint)
	}
	env[EnvProviderKind] = "github"
	cred, ok := FromEnv(func(k string) string { return env[k] }).Credentials("github.com")
	if !ok || cred.Username != "me" || cred.Password != "t" {
		t.Fatalf("%v %v", cred, ok)
	}
	if _, ok := FromEnv(func(k string) string { return env[k] }).Credentials("h"); ok {
		t.Fatal("MGIT_PROVIDER=github sent the token to h")
	}
	env[EnvProviderURL] = "https://ghe.example:8443/api/v3"
	if _, ok := FromEnv(func(k string) string { return env[k] }).Credentials("ghe.example:8443"); !ok {
		t.Fatal("MGIT_PROVIDER_URL's host got no token")
	}
	if _, ok := FromEnv(func(k string) string { return env[k] }).Credentials("github.com"); ok {
		t.Fatal("a self-hosted MGIT_PROVIDER_URL still sent the token to github.com")
	}
	delete(env, EnvUsername)
	if cred, _ := FromEnv(func(k string) string { return env[k] }).Credentials("ghe.example:8443"); cred.Username != provider.DefaultGitUser {
		t.Fatalf("default user %q", cred.Username)
	}
}

// TestTokenHintNamesSource: a refused provider token's hint names where it
// came from and the fix there.
func TestTokenHintNamesSource(t *testing.T) {
	a := Account{Name: "work", EnvVar: "MGIT_TOKEN_WORK"}
	for source, want := range map[string]string{
		"env GITHUB_TOKEN":     "(from $GITHUB_TOKEN) was rejected by h: put a valid token in GITHUB_TOKEN, or unset it and run mgit login --name work",
		"keyring file":         "(from the file keyring) was rejected by h: run mgit login --name work",
		"credential helper gh": "(from credential helper gh) was rejected by h: renew it there, or run mgit login --name work",
		"somewhere":            "the token of provider work was rejected by h: run mgit login --name work",
	} {
		if got := providerTokenHint(a, source, "h"); !strings.Contains(got, want) {
			t.Errorf("hint for %s = %q, want %q", source, got, want)
		}
	}
}
