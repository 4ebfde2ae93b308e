package gotransport

import (
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// NoRedirects installs, once per process, an HTTP(S) transport that
// refuses every redirect, as the git CLI backend does while it holds a
// credential (http.followRedirects=false): a credential is bound to the
// scheme and host it was issued for and follows no redirect. go-git's
// default client follows a redirect of info/refs ("initial") and keeps the
// Authorization header when the target has the same origin (another path,
// another repository on the same host). Call it before every use of
// go-git's transport: sync.Once orders the install before the use, which
// a plain map needs (a read concurrent with the first write is a data
// race). A refused redirect is an error naming the new URL.
var NoRedirects = sync.OnceFunc(func() {
	t := githttp.NewClientWithOptions(nil, &githttp.ClientOptions{RedirectPolicy: githttp.NoFollowRedirects})
	client.InstallProtocol("http", t)
	client.InstallProtocol("https", t)
})
