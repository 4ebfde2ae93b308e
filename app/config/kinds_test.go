package config

import (
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/provider"
)

// TestKindsFromTable: the configuration accepts exactly the kinds of
// engine/provider's table, and asks for what a row says the kind needs.
func TestKindsFromTable(t *testing.T) {
	if got, want := strings.Join(Kinds(), ","), strings.Join(provider.KindNames(), ","); got != want {
		t.Fatalf("Kinds() = %s, want the table's %s", got, want)
	}
	for _, k := range provider.Kinds() {
		p := Provider{Name: "w", Type: k.Kind}
		err := ValidateProvider(p)
		switch {
		case k.API == "":
			if err == nil || !strings.Contains(err.Error(), k.Kind+" needs the server URL") || !strings.Contains(err.Error(), k.URLExample) {
				t.Errorf("%s without url: %v", k.Kind, err)
			}
			p.URL = k.URLExample
		case k.OrgRequired != "":
			if err == nil || !strings.Contains(err.Error(), k.OrgRequired+" needs the organisation") {
				t.Errorf("%s without org: %v", k.Kind, err)
			}
			p.Org = "acme"
		case err != nil:
			t.Errorf("%s: %v", k.Kind, err)
		}
		if err := ValidateProvider(p); err != nil {
			t.Errorf("%s with what it needs: %v", k.Kind, err)
		}
		if p.GitHost() != k.GitHostOf(p.URL) || p.GitUser() != k.GitUser {
			t.Errorf("%s: GitHost %q, GitUser %q disagree with the table", k.Kind, p.GitHost(), p.GitUser())
		}
		if k.CredentialHelper != "" {
			p.CredentialHelper = k.CredentialHelper
			if err := ValidateProvider(p); err != nil {
				t.Errorf("%s with its own helper %s: %v", k.Kind, k.CredentialHelper, err)
			}
		}
	}
	err := ValidateProvider(Provider{Name: "w", Type: "github", CredentialHelper: "wincred"})
	if err == nil || !strings.Contains(err.Error(), "use git (git credential fill), gh (GitHub) or glab (GitLab)") {
		t.Errorf("unknown helper: %v", err)
	}
	err = ValidateProvider(Provider{Name: "w", Type: "gitlab", CredentialHelper: "gh"})
	if err == nil || !strings.Contains(err.Error(), "gh holds github tokens, not gitlab") {
		t.Errorf("another kind's helper: %v", err)
	}
	if err := ValidateProvider(Provider{Name: "w", Type: "svn"}); err == nil || !strings.Contains(err.Error(), "use one of github, azuredevops, bitbucket, gitlab, gitea") {
		t.Errorf("unknown type: %v", err)
	}
}
