package provider

import (
	"slices"
	"strings"
	"testing"
)

// TestKindsTable: every kind has a row, every row builds a provider of its
// own kind, and the public service's facts are complete.
func TestKindsTable(t *testing.T) {
	want := []string{KindGitHub, KindAzureDevOps, KindBitbucket, KindGitLab, KindGitea}
	if got := KindNames(); !slices.Equal(got, want) {
		t.Fatalf("KindNames() = %v, want %v", got, want)
	}
	if got := KindList(); got != "github, azuredevops, bitbucket, gitlab or gitea" {
		t.Errorf("KindList() = %q", got)
	}
	for _, k := range Kinds() {
		cfg := Config{Name: "x", Kind: k.Kind, Org: "acme"}
		if k.API == "" {
			if k.URLExample == "" || k.GitHost != "" {
				t.Errorf("%s: no public service, so it needs a URLExample and no GitHost", k.Kind)
			}
			if _, err := New(cfg); err == nil {
				t.Errorf("%s without a URL: built", k.Kind)
			}
			cfg.URL = k.URLExample
		} else if k.GitHost == "" {
			t.Errorf("%s: public API but no git host", k.Kind)
		}
		p, err := New(cfg)
		if err != nil || p.Kind() != k.Kind || p.Name() != "x" {
			t.Errorf("New(%s) = %v, %v", k.Kind, p, err)
		}
		if k.GitUser == "" || len(k.TokenEnv) == 0 || k.Title == "" {
			t.Errorf("%s: incomplete row %+v", k.Kind, k)
		}
	}
	if _, err := New(Config{Name: "x", Kind: "svn"}); err == nil || !strings.Contains(err.Error(), "(want github, azuredevops, bitbucket, gitlab or gitea)") {
		t.Errorf("unknown kind: %v", err)
	}
}

// TestKindFacts: the facts the credential routing and the store's wiring
// read, for public and self-hosted servers.
func TestKindFacts(t *testing.T) {
	k := func(kind string) KindInfo {
		info, ok := LookupKind(kind)
		if !ok {
			t.Fatalf("no row for %s", kind)
		}
		return info
	}
	hosts := []struct{ kind, url, want string }{
		{KindGitHub, "", "github.com"},
		{KindGitHub, "https://api.acme.ghe.com", "acme.ghe.com"},
		{KindGitHub, "https://GHE.example.com:443/", "ghe.example.com"},
		{KindGitLab, "", "gitlab.com"},
		{KindGitLab, "https://gitlab.example.com:8443", "gitlab.example.com:8443"},
		{KindGitLab, "https://api.gitlab.example.com", "api.gitlab.example.com"}, // only GitHub's API host differs
		{KindBitbucket, "", "bitbucket.org"},
		{KindAzureDevOps, "", "dev.azure.com"},
		{KindGitea, "", ""},
		{KindGitea, "http://127.0.0.1:3000", "127.0.0.1:3000"},
		{KindGitea, "ftp://gitea.example.com", ""},
	}
	for _, tc := range hosts {
		if got := k(tc.kind).GitHostOf(tc.url); got != tc.want {
			t.Errorf("%s GitHostOf(%q) = %q, want %q", tc.kind, tc.url, got, tc.want)
		}
	}
	users := []struct{ kind, user, want string }{
		{KindGitHub, "", "x-access-token"}, {KindGitHub, "octocat", "x-access-token"},
		{KindGitLab, "me", "oauth2"},
		{KindBitbucket, "", "x-bitbucket-api-token-auth"}, {KindBitbucket, "me", "me"},
		{KindAzureDevOps, "", "pat"}, {KindAzureDevOps, "me", "me"},
		{KindGitea, "", "x-access-token"}, {KindGitea, "me", "me"},
	}
	for _, tc := range users {
		if got := k(tc.kind).GitUserFor(tc.user); got != tc.want {
			t.Errorf("%s GitUserFor(%q) = %q, want %q", tc.kind, tc.user, got, tc.want)
		}
	}
	// A github.com token is never read for GitHub Enterprise.
	gh := k(KindGitHub)
	if pub, self := gh.TokenVars(false), gh.TokenVars(true); slices.ContainsFunc(self, func(v string) bool { return slices.Contains(pub, v) }) {
		t.Errorf("GitHub public %v and self-hosted %v share a variable", pub, self)
	}
	if got := k(KindGitLab).TokenVars(true); !slices.Equal(got, []string{"GITLAB_TOKEN"}) {
		t.Errorf("self-hosted GitLab reads %v", got)
	}
	all := AllTokenEnv()
	for _, v := range []string{"GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
		"AZURE_DEVOPS_EXT_PAT", "GITLAB_TOKEN", "BITBUCKET_TOKEN", "GITEA_TOKEN"} {
		if !slices.Contains(all, v) {
			t.Errorf("AllTokenEnv() lacks %s", v)
		}
	}
}
