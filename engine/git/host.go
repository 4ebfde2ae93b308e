package git

import (
	"net"
	"net/url"
	"strings"
)

// DefaultPort is the port a URL scheme implies ("" for a scheme without
// one). A host is written without it (see URLHost), so https://h:443/x and
// https://h/x name one server: one directory on disk, one per-host limit,
// one credential. It lives here, the lowest package that compares URL
// hosts (Credentials.ForURL), so workspace and provider import one copy.
func DefaultPort(scheme string) string {
	switch strings.ToLower(scheme) {
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

// URLHost is u's host as mgit writes hosts: lower case, with ":port"
// only when the port is not the scheme's default; "" when u has no host.
func URLHost(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return ""
	}
	if port := u.Port(); port != "" && port != DefaultPort(u.Scheme) {
		host = net.JoinHostPort(host, port)
	}
	return host
}
