package provider

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
)

// DefaultGitUser is the basic-auth user name git sends with a token where
// the server ignores it: GitHub, GitLab, Gitea and Azure DevOps accept it
// when the password is a token, so it is also MGIT_TOKEN's default.
const DefaultGitUser = "x-access-token"

// KindInfo is everything mgit knows about one kind of provider: the one
// home of these facts, read by the configuration's checks, the credential
// store's wiring, the credential routing and the providers themselves. A
// new kind is its own file (the Provider and its constructor) plus one row
// in Kinds.
type KindInfo struct {
	// Kind is the name in the configuration (type:), login's --provider,
	// sync's --provider-kind and MGIT_PROVIDER.
	Kind string
	// Title is the service's name for people.
	Title string
	// SelfHostedTitle is the name of its self-hosted edition, for help
	// text ("GitHub Enterprise", "Gitea/Forgejo").
	SelfHostedTitle string
	// API is the public service's API base; "" when the kind has no
	// public service (the configuration must name a server).
	API string
	// GitHost is where the public service serves git ("" when none), as
	// git.URLHost writes hosts.
	GitHost string
	// APIHostPrefix is dropped from a self-hosted URL's host to get its
	// git host: GitHub Enterprise Cloud's API is api.<name>.ghe.com, its
	// git <name>.ghe.com.
	APIHostPrefix string
	// GitUser is the basic-auth user name git sends with the kind's token.
	GitUser string
	// GitUserFromConfig: the configured user, when set, is sent instead
	// (Bitbucket app passwords need the account name).
	GitUserFromConfig bool
	// TokenEnv are the variables other tools keep the public service's
	// token in, in the order they are read.
	TokenEnv []string
	// SelfHostedTokenEnv, when set, replaces TokenEnv for a self-hosted
	// server, so a token for the public service is never sent to another
	// (gh's GH_ENTERPRISE_TOKEN for GitHub Enterprise).
	SelfHostedTokenEnv []string
	// CredentialHelper is the kind's own credential helper (gh, glab);
	// git's helper serves every kind.
	CredentialHelper string
	// URLExample is an example server URL, required in the configuration
	// when the kind has no public service (API is "").
	URLExample string
	// OrgRequired names the public service when it needs the organisation
	// (Azure DevOps Services: dev.azure.com/<org>); OrgFix says how to
	// give it.
	OrgRequired, OrgFix string

	// build makes the provider from its configuration.
	build func(Config) (Provider, error)
}

// Kinds is the table of provider kinds, in the order help text lists
// them. It is built on every call: callers may keep or change the copy.
func Kinds() []KindInfo {
	return []KindInfo{
		{Kind: KindGitHub, Title: "GitHub", SelfHostedTitle: "GitHub Enterprise", API: gitHubAPI, GitHost: "github.com", APIHostPrefix: "api.",
			GitUser: DefaultGitUser, TokenEnv: []string{"GITHUB_TOKEN", "GH_TOKEN"},
			SelfHostedTokenEnv: []string{"GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"},
			CredentialHelper:   "gh", build: newGitHub},
		{Kind: KindAzureDevOps, Title: "Azure DevOps", SelfHostedTitle: "Azure DevOps Server", API: adoServicesRoot, GitHost: adoServicesHost,
			// Azure DevOps ignores the user name with a PAT.
			GitUser: "pat", GitUserFromConfig: true, TokenEnv: []string{"AZURE_DEVOPS_EXT_PAT"},
			OrgRequired: "Azure DevOps Services",
			OrgFix:      "add org: <your organisation> (dev.azure.com/<org>), or url: for Azure DevOps Server",
			build:       newAzureDevOps},
		{Kind: KindBitbucket, Title: "Bitbucket", SelfHostedTitle: "Bitbucket Data Center", API: bbCloudAPI, GitHost: bbCloudHost,
			GitUser: "x-bitbucket-api-token-auth", GitUserFromConfig: true, TokenEnv: []string{"BITBUCKET_TOKEN"},
			build: newBitbucket},
		{Kind: KindGitLab, Title: "GitLab", SelfHostedTitle: "GitLab self-managed", API: glDefaultURL + "/api/v4", GitHost: "gitlab.com",
			GitUser: "oauth2", TokenEnv: []string{"GITLAB_TOKEN"}, CredentialHelper: "glab", build: newGitLab},
		{Kind: KindGitea, Title: "Gitea", SelfHostedTitle: "Gitea/Forgejo", GitUser: DefaultGitUser, GitUserFromConfig: true,
			TokenEnv: []string{"GITEA_TOKEN"}, URLExample: "https://gitea.example.com", build: newGitea},
	}
}

// LookupKind is the row of kind.
func LookupKind(kind string) (KindInfo, bool) {
	for _, k := range Kinds() {
		if k.Kind == kind {
			return k, true
		}
	}
	return KindInfo{}, false
}

// KindNames are the kinds' names, in the table's order.
func KindNames() []string {
	ks := Kinds()
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Kind
	}
	return out
}

// KindList is the kinds' names for a sentence: "a, b or c".
func KindList() string {
	names := KindNames()
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// AllTokenEnv is every variable a provider token is read from, of every
// kind, public and self-hosted: what no child process may inherit.
func AllTokenEnv() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.TokenEnv...)
		out = append(out, k.SelfHostedTokenEnv...)
	}
	return out
}

// TokenVars are the conventional token variables of a provider of this
// kind, public or self-hosted, in the order they are read.
func (k KindInfo) TokenVars(selfHosted bool) []string {
	vars := k.TokenEnv
	if selfHosted && k.SelfHostedTokenEnv != nil {
		vars = k.SelfHostedTokenEnv
	}
	return append([]string(nil), vars...)
}

// GitHostOf is where a provider of this kind at serverURL ("" for the
// public service) serves git, as git.URLHost writes hosts; "" when it
// cannot be told.
func (k KindInfo) GitHostOf(serverURL string) string {
	if serverURL == "" {
		return k.GitHost
	}
	u, err := url.Parse(serverURL)
	if err != nil || (!strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http")) {
		return ""
	}
	h := git.URLHost(u)
	if k.APIHostPrefix != "" {
		h = strings.TrimPrefix(h, k.APIHostPrefix)
	}
	return h
}

// GitUserFor is the basic-auth user name git sends with the token of a
// provider of this kind configured with user.
func (k KindInfo) GitUserFor(user string) string {
	if user != "" && k.GitUserFromConfig {
		return user
	}
	return k.GitUser
}

// New builds the provider cfg.Kind names.
func New(cfg Config) (Provider, error) {
	k, ok := LookupKind(cfg.Kind)
	if !ok {
		return nil, fmt.Errorf("provider %s: unknown kind %q (want %s)", cfg.Name, cfg.Kind, KindList())
	}
	return k.build(cfg)
}
