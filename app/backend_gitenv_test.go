package app

import (
	"context"
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// TestConfigAllowsGoGitClone: each setting that changes git's clone of
// the URL sends it to git; settings for other hosts, or that change
// nothing a clone does, do not.
func TestConfigAllowsGoGitClone(t *testing.T) {
	t.Parallel()
	const u = "https://git.example.com/team/app.git"
	creds := git.Credentials{Username: "x", Password: "tok", Host: "git.example.com"}
	for _, c := range []struct {
		key, value string
		auth       git.Credentials
		want       bool
	}{
		{"user.name", "Someone", git.Credentials{}, true},
		{"core.autocrlf", "true", git.Credentials{}, true}, // go-git's checkout follows it
		{"url.ssh://git@git.example.com/.insteadof", "https://git.example.com/", git.Credentials{}, false},
		{"url.https://mirror/.insteadof", "https://other.example.com/", git.Credentials{}, true},
		{"url.x.pushinsteadof", "https://git.example.com/", git.Credentials{}, true},
		{"http.proxy", "http://proxy:3128", git.Credentials{}, false},
		{"http.postbuffer", "524288000", git.Credentials{}, true},
		{"http.sslverify", "false", git.Credentials{}, false},
		{"http.https://git.example.com.extraheader", "X: y", git.Credentials{}, false},
		{"http.https://other.example.com.extraheader", "X: y", git.Credentials{}, true},
		{"http.https://*.example.com.proxy", "p", git.Credentials{}, false},
		{"credential.helper", "store", git.Credentials{}, false},
		{"credential.helper", "store", creds, true}, // mgit's credentials replace the helpers
		{"credential.https://other.example.com.helper", "store", git.Credentials{}, true},
		{"credential.https://git.example.com.helper", "store", git.Credentials{}, false},
		{"init.templatedir", "/etc/git-templates", git.Credentials{}, false},
		{"init.defaultbranch", "trunk", git.Credentials{}, true},
		{"core.hookspath", "/hooks", git.Credentials{}, false},
		{"branch.autosetuprebase", "always", git.Credentials{}, false},
		{"branch.main.rebase", "true", git.Credentials{}, true},
		{"transfer.fsckobjects", "true", git.Credentials{}, false},
		{"clone.defaultremotename", "upstream", git.Credentials{}, false},
		{"includeif.gitdir:~/work/.path", "~/work.inc", git.Credentials{}, false},
		{"protocol.version", "0", git.Credentials{}, false},
	} {
		got := configAllows([]configEntry{{key: c.key, value: c.value}}, u, c.auth)
		if got != c.want {
			t.Errorf("%s=%s (credentials %v): allows go-git = %v, want %v", c.key, c.value, !c.auth.IsZero(), got, c.want)
		}
	}
	if !configAllows([]configEntry{{key: "http.sslverify", value: "false"}}, "http://git.example.com/a.git", git.Credentials{}) {
		t.Error("a TLS setting sends a plain http clone to git")
	}
}

// TestEnvChangesClone: variables that change how git clones send clones
// to git; a CA bundle Go is told of too does not.
func TestEnvChangesClone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env   []string
		https bool
		want  bool
	}{
		{[]string{"HOME=/h", "PATH=/bin"}, true, false},
		{[]string{"HTTPS_PROXY=http://p:3128"}, true, true},
		{[]string{"all_proxy=socks5://p"}, false, true},
		{[]string{"NO_PROXY=localhost"}, true, false},
		{[]string{"GIT_TEMPLATE_DIR=/t"}, false, true},
		{[]string{"GIT_SSL_NO_VERIFY=1"}, true, true},
		{[]string{"GIT_SSL_NO_VERIFY=1"}, false, false},
		{[]string{"GIT_SSL_CAINFO=/ca.pem"}, true, true},
		{[]string{"GIT_SSL_CAINFO=/ca.pem", "SSL_CERT_FILE=/ca.pem"}, true, false},
	} {
		if got := envChangesClone(c.env, c.https); got != c.want {
			t.Errorf("%v (https %v): changes clone = %v, want %v", c.env, c.https, got, c.want)
		}
	}
}

// TestGitEnvProbeReadsGitsConfig: the probe asks git itself, so
// configuration from anywhere git reads it (here the environment's
// GIT_CONFIG_COUNT) is seen.
func TestGitEnvProbeReadsGitsConfig(t *testing.T) {
	t.Parallel()
	const u = "http://git.example.com/team/app.git"
	env := append(os.Environ(), "GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url.http://mirror.example.com/.insteadOf", "GIT_CONFIG_VALUE_0=http://git.example.com/")
	p := &gitEnvProbe{environ: func() []string { return env }}
	if p.allows(context.Background(), u, git.Credentials{}) {
		t.Errorf("a URL rewrite git reads from GIT_CONFIG_COUNT went unseen: %v", p.entries)
	}
	clean := &gitEnvProbe{environ: func() []string { return env[:len(env)-3] }}
	if !clean.allows(context.Background(), u, git.Credentials{}) {
		t.Errorf("the test's isolated configuration keeps go-git away: %v", clean.entries)
	}
}
