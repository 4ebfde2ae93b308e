package gogit_test

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/conformance"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestRedirectCarriesNoToken: the backend installs go-git's HTTP client
// that follows no redirect (gotransport.NoRedirects), as the cli backend sets
// http.followRedirects=false: a redirect fails, naming where the remote
// moved, and no request reaches the target.
func TestRedirectCarriesNoToken(t *testing.T) {
	conformance.RunRedirects(t, func(*testing.T) git.Backend { return gogit.New() }, conformance.RedirectExpect{Refuses: true})
}
