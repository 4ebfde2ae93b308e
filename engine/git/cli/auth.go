package cli

import (
	"encoding/base64"
	"net/url"

	"github.com/mgit-dev/mgit/engine/git"
)

// authConfig turns credentials into git configuration for GIT_CONFIG_COUNT:
// an Authorization header scoped to the origin (scheme, host, port) of
// remoteURL, so it is sent to that server only. The entries are:
//
//   - http.<origin>/.extraHeader = "" resets headers configured for the same
//     origin elsewhere (actions/checkout leaves one in .git/config), so the
//     server never sees two Authorization headers;
//   - http.<origin>/.extraHeader = "Authorization: Basic …";
//   - credential.helper = "" resets the helper list: with our credentials in
//     play, the user's helpers are neither asked (a wrong token is a clean
//     authentication failure, not a fall-back to another identity) nor told
//     to store or erase anything.
//
// A redirect to another origin does not get the header: git matches the
// configuration against the remote URL, and curl drops a custom
// Authorization header when a redirect leaves the host. SSH and local URLs
// get nothing. The result also lists the strings to scrub from messages.
func authConfig(remoteURL string, c git.Credentials) (config [][2]string, secrets []string) {
	if c.IsZero() {
		return nil, nil
	}
	u, err := url.Parse(remoteURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil
	}
	key := "http." + u.Scheme + "://" + u.Host + "/.extraHeader"
	token := base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))
	return [][2]string{
			{key, ""},
			{key, "Authorization: Basic " + token},
			{"credential.helper", ""},
		},
		[]string{c.Password, token}
}
