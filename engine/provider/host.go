package provider

import (
	"net"
	"net/url"
	"strings"
)

// repoHost is Repo.Host for a clone URL (see urlHost), or fallback when
// the URL has no host.
func repoHost(cloneURL, fallback string) string {
	if u, err := url.Parse(cloneURL); err == nil && u.Hostname() != "" {
		return urlHost(u)
	}
	return fallback
}

// urlHost is u's host lower-cased, with its port unless that is the
// scheme's default: the form workspace.ParseRemote gives a remote's host,
// so one server lands in one directory whichever provider kind lists it
// and whatever case or explicit default port its API answers with.
func urlHost(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && port != defaultPort(strings.ToLower(u.Scheme)) {
		host = net.JoinHostPort(host, port)
	}
	return host
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	case "ssh":
		return "22"
	case "git":
		return "9418"
	}
	return ""
}
