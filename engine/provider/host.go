package provider

import (
	"net/url"

	"github.com/mgit-dev/mgit/engine/git"
)

// repoHost is Repo.Host for a clone URL (see urlHost), or fallback when
// the URL has no host.
func repoHost(cloneURL, fallback string) string {
	if u, err := url.Parse(cloneURL); err == nil && u.Hostname() != "" {
		return urlHost(u)
	}
	return fallback
}

// urlHost is u's host as git.URLHost writes it (lower case, the
// scheme's default port dropped): the form workspace.ParseRemote gives a
// remote's host, so one server lands in one directory whichever provider
// kind lists it and whatever case or explicit default port its API
// answers with.
func urlHost(u *url.URL) string { return git.URLHost(u) }
