package cli

import (
	"context"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gotransport"
)

// remoteUnchanged reports whether `git fetch` from the default remote
// would change nothing, by asking the server for its refs in-process (one
// HTTP request, no process) and comparing them with the remote-tracking
// refs and tags on disk. In a sweep most repositories have not moved; for
// them this replaces git fetch, git-remote-http and their requests.
//
// It answers true only when it proved it: every advertised branch equals
// its remote-tracking ref, every advertised tag exists locally with the
// same id, and no remote-tracking ref is stale. Anything it does not model
// — ssh, URL rewriting, [http] settings (proxies, certificates, extra
// headers), custom refspecs or tag options — or any error answers false,
// and git fetches as usual. A probe gets at most stall (when > 0) to answer:
// a stalled server then meets git's own low-speed limit instead of holding
// the operation until its timeout.
func (b *Backend) remoteUnchanged(ctx context.Context, dir string, auth git.Credentials, stall time.Duration) bool {
	if stall > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, stall)
		defer cancel()
	}
	r, err := findRepo(dir)
	if err != nil {
		return false
	}
	cfg, err := loadConfig(r, b.inherited())
	if err != nil || cfg.hasSection("url") || cfg.hasSection("http") {
		return false
	}
	branch, _, err := readHead(r)
	if err != nil {
		return false
	}
	remote := "origin"
	if branch != "" {
		if rm, ok := cfg.last("branch", branch, "remote"); ok && rm != "" {
			remote = rm
		}
	}
	if remote == "." || strings.ContainsAny(remote, "/:") {
		return false
	}
	urls := cfg.all("remote", remote, "url")
	if len(urls) != 1 || !(strings.HasPrefix(urls[0], "https://") || strings.HasPrefix(urls[0], "http://")) {
		return false
	}
	specs := cfg.all("remote", remote, "fetch")
	if len(specs) != 1 || specs[0] != "+refs/heads/*:refs/remotes/"+remote+"/*" {
		return false
	}
	if _, ok := cfg.last("remote", remote, "tagopt"); ok {
		return false
	}
	tracking := "refs/remotes/" + remote + "/"
	local, err := gitobj.RefsUnder(r.CommonDir, tracking, "refs/tags/")
	if err != nil {
		return false
	}

	// go-git's transport with the credential: it follows no redirect, as
	// git here does not (installed before this first use, whoever comes
	// first).
	gotransport.NoRedirects()
	rem := gogit.NewRemote(memory.NewStorage(), &gitconfig.RemoteConfig{Name: remote, URLs: urls})
	opts := &gogit.ListOptions{}
	if !auth.IsZero() && auth.ForURL(urls[0]) {
		opts.Auth = &githttp.BasicAuth{Username: auth.Username, Password: auth.Password}
	}
	refs, err := rem.ListContext(ctx, opts)
	if err != nil {
		return false
	}
	return matchesAdvertised(refs, local, tracking)
}

// matchesAdvertised reports whether the local refs (remote-tracking under
// tracking, and tags) are exactly what the server advertised in refs.
func matchesAdvertised(refs []*plumbing.Reference, local map[string]string, tracking string) bool {
	seen := map[string]bool{}
	for _, ref := range refs {
		if ref.Type() != plumbing.HashReference {
			continue // HEAD, symbolic
		}
		name := ref.Name().String()
		switch {
		case strings.HasPrefix(name, "refs/heads/"):
			want := tracking + strings.TrimPrefix(name, "refs/heads/")
			if local[want] != ref.Hash().String() {
				return false
			}
			seen[want] = true
		case strings.HasPrefix(name, "refs/tags/") && !strings.HasSuffix(name, "^{}"):
			// A new tag may point at a commit we already have; git's
			// tag following would fetch it.
			if local[name] != ref.Hash().String() {
				return false
			}
		}
	}
	for name := range local {
		if strings.HasPrefix(name, tracking) && name != tracking+"HEAD" && !seen[name] {
			return false // a branch deleted upstream: let git decide about pruning
		}
	}
	return true
}
