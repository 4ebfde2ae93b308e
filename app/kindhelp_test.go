package app

import (
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/provider"
)

// TestKindHelpFromTable: the help texts naming kinds are written from the
// kind table, so a kind added to it (here a made-up "forgejo") is named
// everywhere without touching the help.
func TestKindHelpFromTable(t *testing.T) {
	kinds := append(provider.Kinds(), provider.KindInfo{Kind: "forgejo", Title: "Forgejo",
		SelfHostedTitle: "Forgejo", TokenEnv: []string{"FORGEJO_TOKEN"}, OrgRequired: "Codeberg"})
	root, login, usage := rootCredentialsHelp(kinds), loginKindsHelp(kinds), providerKindUsage(kinds)
	for _, want := range []string{"GITHUB_TOKEN or GH_TOKEN for GitHub", "GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN for GitHub Enterprise",
		"GITEA_TOKEN for Gitea", "FORGEJO_TOKEN for Forgejo"} {
		if !strings.Contains(strings.Join(strings.Fields(root), " "), want) {
			t.Errorf("root help lacks %q:\n%s", want, root)
		}
	}
	flat := strings.Join(strings.Fields(login), " ")
	for _, want := range []string{"KIND is github, azuredevops, bitbucket, gitlab, gitea or forgejo.",
		"(GitHub Enterprise, Azure DevOps Server, Bitbucket Data Center, GitLab self-managed, Gitea/Forgejo, Forgejo)",
		"(required for Azure DevOps Services or Codeberg)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("login help lacks %q:\n%s", want, login)
		}
	}
	if !strings.Contains(usage, "(github, azuredevops, bitbucket, gitlab, gitea, forgejo)") {
		t.Errorf("--provider-kind usage: %s", usage)
	}
	for _, text := range []string{root, login} {
		for _, l := range strings.Split(text, "\n") {
			if len(l) > helpWidth {
				t.Errorf("help line over %d columns: %q", helpWidth, l)
			}
		}
	}
}

// TestKindHelpWired: the commands' help shows the text written from the
// kind table, not a copy of it.
func TestKindHelpWired(t *testing.T) {
	env := map[string]string{}
	kinds := provider.Kinds()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, rootCredentialsHelp(kinds)},
		{[]string{"login", "--help"}, loginKindsHelp(kinds)},
		{[]string{"sync", "--help"}, providerKindUsage(kinds)},
	} {
		if _, out, _ := run(t, env, tc.args...); !strings.Contains(out, tc.want) {
			t.Errorf("mgit %s lacks\n%s", strings.Join(tc.args, " "), tc.want)
		}
	}
}
