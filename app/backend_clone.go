package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	gitcli "github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// smallCloneBytes is the largest repository (as a provider's listing
// sizes it, or by the pack received when it is unknown) that the default
// backend clones with go-git. Measured with
// mgit clone --from, 20 repositories of each size over smart HTTP on
// 127.0.0.1 (client CPU a clone, cli vs go-git, load 13–19): 28 vs 8 ms
// for a 20-file repository, 31 vs 15 ms at 256 KiB, 47 vs 31 ms at
// 1 MiB, 83 vs 87 ms at 4 MiB; one 10 MiB clone 150 vs 210 ms, one of
// 50 MiB 0.86 vs 0.97 s. go-git's advantage is git's fixed cost — five
// processes a clone — and it is gone by 4 MiB, while go-git holds the
// pack in mgit's memory (peak RSS 26 MiB at 20 files, 42 MiB at 1 MiB,
// 77 MiB at 4 MiB, 90 MiB for one 50 MiB clone, against git's 17 MiB).
// 1 MiB keeps a clear CPU gain and a bounded RSS.
const smallCloneBytes = 1 << 20

// cloneBySize is the default backend when git is usable: the git CLI for
// every operation, except the clone of a repository a provider's listing
// says is small, which go-git does in-process — a fraction of the CPU of
// git's clone, remote-http, index-pack, rev-list and checkout processes.
// A repository of unknown size (a URL list, an API that does not say)
// starts with go-git too, capped at the same limit: past it, go-git's
// clone is cancelled and git clones afresh (backend_clone_cap.go).
//
// git stays the oracle: go-git clones only where its result is the one
// git would give (differential test in backend_clone_test.go). So git
// clones when the listing says above smallCloneBytes, for shallow, mirror
// and branch clones, for URLs other than http(s), and when git's
// configuration or environment would change the clone in a way go-git
// does not follow (gitenv.go). When go-git refuses or fails for a reason
// git might not share (a filter=lfs attribute, config it does not read),
// and when the remote turns out to be empty (go-git would name the unborn
// branch differently), git clones afresh.
type cloneBySize struct {
	// The git CLI: every operation but small clones, including the
	// optional interface the engine asks a backend for
	// (git.LocalWorkFinder: clone --force's check that nothing local is
	// lost).
	cliBackend
	small git.Backend
	// limit is the largest clone go-git makes: by the listing's size, or
	// for an unknown size by the pack it has received (tests lower it).
	limit int64
	// goos is the system the clone is for (runtime.GOOS). go-git clones
	// only on Linux: git probes the file system at clone time and writes
	// what it found (core.filemode, core.symlinks, core.ignorecase,
	// core.precomposeunicode) where go-git writes nothing; on Linux the
	// probe's answers are git's defaults, so the missing keys read the
	// same, while on macOS or Windows a go-git clone would lack
	// core.ignorecase=true and git would then misread case-only renames.
	goos string
	// env lists git's configuration once, on the first small clone.
	env *gitEnvProbe
	// cloned, when set (tests only), is told which backend made each
	// clone that succeeded.
	cloned func(backend string)
}

// cliBackend is what cloneBySize takes from the git CLI backend: every
// operation, and the optional interfaces the engine looks for.
type cliBackend interface {
	git.Backend
	git.LocalWorkFinder
}

// newCloneBySize wraps the CLI backend; small clones go to small.
func newCloneBySize(cli *gitcli.Backend, small git.Backend) *cloneBySize {
	return &cloneBySize{cliBackend: cli, small: small, limit: smallCloneBytes, goos: runtime.GOOS,
		env: &gitEnvProbe{secret: cli.SecretEnv}}
}

// Clone picks the backend by opt.SizeHint; see cloneBySize.
func (b *cloneBySize) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	// go-git only clones into nothing or a real empty directory: its
	// failure is cleaned up below by removing dest, which must never hold
	// anything of the user's (a symlink, a file, a directory it cannot
	// read). Anything else goes to git, whose own checks refuse it.
	existed, fresh := freshDest(dest)
	if !fresh || !b.useSmall(ctx, url, opt) {
		return b.cliClone(ctx, url, dest, opt)
	}
	overCap, err := b.smallClone(ctx, url, dest, opt)
	if err == nil && !emptyClone(dest) {
		b.note(b.small.Name())
		return nil
	}
	if err != nil && !overCap && !retryWithGit(ctx, err) {
		return err
	}
	if rerr := clearDest(dest, existed); rerr != nil {
		if err == nil {
			err = rerr
		}
		return err
	}
	return b.cliClone(ctx, url, dest, opt)
}

// clearDest removes what go-git left at dest: dest itself when it was
// absent, only its entries when it was an empty directory. That directory
// is the user's — its mode, owner, a volume mounted there (which cannot
// be removed) — and git clones into it as it is.
func clearDest(dest string, existed bool) error {
	if !existed {
		return os.RemoveAll(dest)
	}
	entries, err := os.ReadDir(dest)
	if errors.Is(err, os.ErrNotExist) {
		return os.Mkdir(dest, 0o777)
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dest, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func (b *cloneBySize) cliClone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	err := b.cliBackend.Clone(ctx, url, dest, opt)
	if err == nil {
		b.note(b.cliBackend.Name())
	}
	return err
}

func (b *cloneBySize) note(name string) {
	if b.cloned != nil {
		b.cloned(name)
	}
}

// useSmall says whether go-git may make this clone.
func (b *cloneBySize) useSmall(ctx context.Context, url string, opt git.CloneOptions) bool {
	// A branch clone is go-git's single-branch clone (one refspec, one
	// remote branch, origin/HEAD at that branch); git clone --branch
	// fetches and tracks every branch.
	if opt.SizeHint < 0 || opt.SizeHint > b.limit || opt.Mirror || opt.Depth > 0 || opt.Branch != "" || b.goos != "linux" {
		return false
	}
	lower := strings.ToLower(url)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
		return false
	}
	return b.env.allows(ctx, url, opt.Auth)
}

// retryWithGit says whether git should clone after go-git failed with
// err: not when the caller gave up, nor for a failure git would meet too
// (the remote refused the credentials, the repository is missing, the
// network, the disk); the engine's retries and messages handle those as
// for any clone. Anything else — go-git refusing what it cannot
// reproduce (ErrUnsupported), not understanding the remote, or not
// trusting its certificate — git may well manage.
func retryWithGit(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if untrustedCert(err) {
		return true
	}
	if git.Transient(err) {
		return false
	}
	for _, k := range []error{git.ErrAuth, git.ErrRepoNotFound, git.ErrNetwork, git.ErrStalled,
		git.ErrHostDown, git.ErrDiskFull, git.ErrDestExists} {
		if errors.Is(err, k) {
			return false
		}
	}
	return true
}

// untrustedCert reports a TLS certificate go-git's Go does not trust:
// curl's CA bundle (or GIT_SSL_CAINFO) may, so git gets its turn — the
// go-git backend files it as a network error, which git would retry for
// nothing.
func untrustedCert(err error) bool {
	var verify *tls.CertificateVerificationError
	var authority x509.UnknownAuthorityError
	return errors.As(err, &verify) || errors.As(err, &authority) ||
		strings.Contains(err.Error(), "x509: certificate signed by unknown authority")
}

// freshDest reports whether dest is absent, or an empty directory that
// is not a symlink (existed), the only destinations go-git clones into.
func freshDest(dest string) (existed, fresh bool) {
	fi, err := os.Lstat(dest)
	if errors.Is(err, os.ErrNotExist) {
		return false, true
	}
	if err != nil || !fi.IsDir() {
		return true, false
	}
	f, err := os.Open(dest)
	if err != nil {
		return true, false
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return true, len(names) == 0 && errors.Is(err, io.EOF)
}

// emptyClone reports whether the clone at dest has no commit on HEAD (an
// empty remote): git names the unborn branch after the remote's HEAD or
// init.defaultBranch, go-git after its own default, so git clones those.
func emptyClone(dest string) bool {
	r, err := gitobj.Open(dest)
	if err != nil {
		return true
	}
	head, err := gitobj.ReadHead(r)
	return err != nil || head.SHA == ""
}

var (
	_ git.Backend         = (*cloneBySize)(nil)
	_ git.LocalWorkFinder = (*cloneBySize)(nil)
)
