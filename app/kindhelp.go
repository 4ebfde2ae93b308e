package app

import (
	"strings"

	"github.com/mgit-dev/mgit/engine/provider"
)

// The help text that names provider kinds is written from the kind table
// (provider.Kinds), never as literals: a new kind is its own file and one
// row in that table, and every help text names it. The functions take the
// table so a test can hand them one with a kind more.

// helpWidth is the width help paragraphs are wrapped at, as the literal
// ones are.
const helpWidth = 75

// orList is "a, b or c" (a alone for one).
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// kindNames are the kinds' names, in the table's order.
func kindNames(kinds []provider.KindInfo) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Kind
	}
	return out
}

// tokenEnvHelp names each kind's token variables: "GITHUB_TOKEN or
// GH_TOKEN for GitHub, GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN for
// GitHub Enterprise, AZURE_DEVOPS_EXT_PAT for Azure DevOps, …".
func tokenEnvHelp(kinds []provider.KindInfo) string {
	var parts []string
	for _, k := range kinds {
		if len(k.TokenEnv) == 0 {
			continue
		}
		parts = append(parts, orList(k.TokenEnv)+" for "+k.Title)
		if len(k.SelfHostedTokenEnv) > 0 {
			parts = append(parts, orList(k.SelfHostedTokenEnv)+" for "+k.SelfHostedTitle)
		}
	}
	return strings.Join(parts, ", ")
}

// loginKindsHelp is login's paragraph about KIND, --url, --user and --org.
func loginKindsHelp(kinds []provider.KindInfo) string {
	var hosted, orgs []string
	for _, k := range kinds {
		if k.SelfHostedTitle != "" {
			hosted = append(hosted, k.SelfHostedTitle)
		}
		if k.OrgRequired != "" {
			orgs = append(orgs, k.OrgRequired)
		}
	}
	org := "--org the default organisation, workspace or group"
	if len(orgs) > 0 {
		org += " (required for " + orList(orgs) + ")"
	}
	return wrapHelp("KIND is " + orList(kindNames(kinds)) + ". --url is the server of a self-hosted service (" +
		strings.Join(hosted, ", ") + "); --user the account name where the service needs one (Bitbucket app " +
		"passwords and API tokens); " + org + ".")
}

// providerKindUsage is sync's --provider-kind usage.
func providerKindUsage(kinds []provider.KindInfo) string {
	return "sync from one provider of this kind (" + strings.Join(kindNames(kinds), ", ") +
		") instead of the configured ones; default $" + envProviderKind
}

// wrapHelp fills a paragraph's words into lines of at most helpWidth
// columns (a longer word has a line of its own).
func wrapHelp(s string) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		switch {
		case n == 0:
		case n+1+len(w) > helpWidth:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// rootCredentialsHelp is the root help's paragraph on providers and
// where their tokens are found.
func rootCredentialsHelp(kinds []provider.KindInfo) string {
	return wrapHelp("Providers and credentials: 'mgit login' stores a provider's token in the keyring " +
		"and its settings in the configuration file (never the token). A provider's token is found in " +
		"MGIT_TOKEN_<NAME>, then the provider's usual variable (" + tokenEnvHelp(kinds) + "), then the " +
		"keyring: secret-service, kernel keyctl, or an encrypted file (MGIT_KEYRING_PASSWORD), then a " +
		"credential helper where the provider opts in (credential_helper). HTTPS remotes of no configured " +
		"provider use MGIT_TOKEN (username MGIT_USERNAME, default " + provider.DefaultGitUser + "). Tokens " +
		"reach git through its environment only: never a command line, a remote URL or .git/config.")
}
