package cli_test

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/conformance"
)

// TestRedirectCarriesNoToken: git follows a redirect of info/refs and then
// POSTs to the new host with every header configured for the original URL.
// The cli backend must refuse the redirect instead and say where the remote
// moved.
func TestRedirectCarriesNoToken(t *testing.T) {
	conformance.RunRedirects(t, func(*testing.T) git.Backend { return cli.New() }, conformance.RedirectExpect{Refuses: true})
}
