package gogit_test

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/conformance"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestRedirectCarriesNoToken: go-git's HTTP transport strips credentials
// when a redirect leaves their origin (host, port or scheme) and refuses
// https to http; a redirect it follows continues anonymously.
func TestRedirectCarriesNoToken(t *testing.T) {
	conformance.RunRedirects(t, func(*testing.T) git.Backend { return gogit.New() }, conformance.RedirectExpect{})
}
