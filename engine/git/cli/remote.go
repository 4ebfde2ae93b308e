package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// remoteOpts prepares a call that talks to the repository's default remote:
// the current branch's upstream remote, else origin — the remote that
// `git fetch` without arguments uses. With credentials it first asks git for
// that remote's URL (after insteadOf rewriting) to scope the header to it.
func (b *Backend) remoteOpts(ctx context.Context, op, dir string, auth git.Credentials, p git.ProgressFunc) (cmdOpts, error) {
	o := cmdOpts{ceiling: true, progress: p}
	if auth.IsZero() {
		return o, nil
	}
	u, ok := b.defaultRemoteURL(dir)
	if !ok {
		out, err := b.git(ctx, op, dir, []string{"ls-remote", "--get-url"}, cmdOpts{readOnly: true, ceiling: true})
		if err != nil {
			return o, err
		}
		u = strings.TrimSpace(string(out.stdout))
	}
	return o.withAuth(u, auth), nil
}

// defaultRemoteURL is `git ls-remote --get-url` read in-process: the URL of
// the current branch's remote (else origin), when no [url] section could
// rewrite it and the remote has exactly one URL. ok is false otherwise,
// and git is asked.
func (b *Backend) defaultRemoteURL(dir string) (string, bool) {
	r, err := findRepo(dir)
	if err != nil {
		return "", false
	}
	cfg, err := loadConfig(r, b.inherited())
	if err != nil || cfg.hasSection("url") {
		return "", false
	}
	branch, _, err := readHead(r)
	if err != nil {
		return "", false
	}
	remote := "origin"
	if rm, ok := cfg.last("branch", branch, "remote"); branch != "" && ok && rm != "" {
		remote = rm
	}
	urls := cfg.all("remote", remote, "url")
	if len(urls) != 1 || urls[0] == "" {
		return "", false
	}
	return urls[0], true
}

// Fetch runs `git fetch [--progress] [--prune]` for the default remote.
func (b *Backend) Fetch(ctx context.Context, dir string, opt git.FetchOptions) error {
	if b.remoteUnchanged(ctx, dir, opt.Auth, opt.StallTimeout) {
		return nil
	}
	o, err := b.remoteOpts(ctx, "fetch", dir, opt.Auth, opt.Progress)
	if err != nil {
		return err
	}
	o = withStall(o, opt.StallTimeout)
	_, err = b.git(ctx, "fetch", dir, fetchArgs(opt.Prune, opt.Progress != nil), b.skipIdleMaintenance(dir, o))
	if err != nil {
		if u, ok := b.defaultRemoteURL(dir); ok {
			err = b.withRetryAfter(ctx, err, u, opt.Auth)
		}
	}
	return err
}

// inherited is the environment git processes start from, before ours.
func (b *Backend) inherited() []string {
	if b.environ != nil {
		return b.environ()
	}
	return os.Environ()
}

// skipIdleMaintenance adds maintenance.auto=false to o when git's automatic
// maintenance would have nothing to do in dir (see maintenance.go), saving
// the `git maintenance run --auto` process that fetch and merge start.
func (b *Backend) skipIdleMaintenance(dir string, o cmdOpts) cmdOpts {
	if maintenanceIdle(dir, b.inherited()) {
		o.config = append(o.config[:len(o.config):len(o.config)], [2]string{"maintenance.auto", "false"})
	}
	return o
}

// fetchArgs asks git for progress only when someone shows it: progress
// costs the client (index-pack -v) and the server (pack-objects
// --progress) a few percent each.
func fetchArgs(prune, progress bool) []string {
	args := []string{"fetch"}
	if progress {
		args = append(args, "--progress")
	}
	if prune {
		args = append(args, "--prune")
	}
	return args
}

// pullSteps are the steps of Pull (where it starts, the upstream, the
// rebase, the new HEAD), over the Backend's runner.
type pullSteps struct{ b *Backend }

// Pull fetches, then fast-forwards to the upstream (or rebases onto it with
// opt.Rebase). Refusals leave the repository as it was.
//
// On the common path it starts only git fetch and, when the upstream moved,
// git merge: HEAD, the upstream and the ref values around them are read
// in-process (repofiles.go). When that reader is unsure — detached HEAD, no
// upstream, a custom refspec, an unusual layout — the same facts come from
// `git rev-parse`, which also words the errors.
func (b *Backend) Pull(ctx context.Context, dir string, opt git.PullOptions) (git.PullResult, error) {
	const op = "pull"
	steps := pullSteps{b}
	// Where we are, before any network: HEAD and whether there is an
	// upstream at all.
	repo, upstreamRef, from, inProcess := steps.pullStart(dir)
	if !inProcess {
		var err error
		if from, err = steps.gitPullStart(ctx, dir); err != nil {
			return git.PullResult{}, err
		}
	}
	res := git.PullResult{From: from, To: from}

	if !b.remoteUnchanged(ctx, dir, opt.Auth, opt.StallTimeout) {
		fo, err := b.remoteOpts(ctx, op, dir, opt.Auth, opt.Progress)
		if err != nil {
			return res, err
		}
		fo = withStall(fo, opt.StallTimeout)
		if _, err := b.git(ctx, op, dir, fetchArgs(false, opt.Progress != nil), b.skipIdleMaintenance(dir, fo)); err != nil {
			if u, ok := b.defaultRemoteURL(dir); ok {
				err = b.withRetryAfter(ctx, err, u, opt.Auth)
			}
			return res, err
		}
	}

	upstream, err := steps.pullUpstream(ctx, dir, repo, upstreamRef, inProcess)
	if err != nil {
		return res, err
	}
	if upstream == from {
		return res, nil
	}
	// git merge and rebase overwrite ignored files; mgit refuses.
	if err := b.ignoredInTheWay(ctx, op, dir, from, upstream); err != nil {
		return res, err
	}
	if opt.Rebase {
		err = steps.rebase(ctx, dir, upstream)
	} else {
		mo := cmdOpts{ceiling: true, extraEnv: []string{"GIT_REFLOG_ACTION=pull --ff-only"}}
		_, err = b.git(ctx, op, dir, []string{"merge", "--ff-only", "--no-stat", "--no-autostash", upstream},
			b.skipIdleMaintenance(dir, mo))
	}
	if err != nil {
		return res, err
	}
	if res.To, err = steps.head(ctx, dir, repo, inProcess); err != nil {
		return res, err
	}
	res.Updated = res.To != res.From
	return res, nil
}

// pullStart reads HEAD and the remote-tracking ref of its upstream
// in-process; ok is false when git must be asked instead. from is "" on an
// unborn branch, as with git.
func (b pullSteps) pullStart(dir string) (repo repoDirs, upstreamRef, from string, ok bool) {
	repo, err := findRepo(dir)
	if err != nil {
		return repoDirs{}, "", "", false
	}
	cfg, err := loadConfig(repo, b.b.inherited())
	if err != nil {
		return repoDirs{}, "", "", false
	}
	branch, from, err := readHead(repo)
	if err != nil || branch == "" {
		return repoDirs{}, "", "", false // detached: git says why it cannot pull
	}
	upstreamRef, err = cfg.upstreamRef(branch)
	if err != nil {
		return repoDirs{}, "", "", false
	}
	return repo, upstreamRef, from, true
}

// gitPullStart is pullStart through git: `rev-parse HEAD @{upstream}`
// prints HEAD even when @{upstream} fails.
func (b pullSteps) gitPullStart(ctx context.Context, dir string) (string, error) {
	out, err := b.b.run(ctx, dir, []string{"rev-parse", "HEAD", "@{upstream}"}, cmdOpts{readOnly: true, ceiling: true})
	from, _, _ := strings.Cut(string(out.stdout), "\n")
	if err != nil {
		if !strings.Contains(out.stderr, "ambiguous argument") {
			return "", failure(ctx, "pull", dir, out, err)
		}
		// Upstream configured but not fetched yet, or HEAD unborn:
		// the fetch may bring it.
		if strings.HasPrefix(from, "HEAD") || strings.HasPrefix(from, "@{") {
			from = ""
		}
	}
	return from, nil
}

// upstreamGone is the detail of a pull whose upstream branch no longer
// exists on the remote.
const upstreamGone = "the upstream branch is gone from the remote"

// pullUpstream returns the commit of the upstream after the fetch.
func (b pullSteps) pullUpstream(ctx context.Context, dir string, repo repoDirs, ref string, inProcess bool) (string, error) {
	const op = "pull"
	if inProcess {
		sha, found, err := readRef(repo, ref)
		if err == nil && !found {
			return "", &git.Error{Op: op, Dir: dir, Kind: git.ErrNoUpstream, Detail: upstreamGone,
				Err: fmt.Errorf("%s does not exist after the fetch", ref)}
		}
		if err == nil {
			return sha, nil
		}
	}
	out, err := b.b.run(ctx, dir, []string{"rev-parse", "--verify", "--end-of-options", "@{upstream}^{commit}"}, cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		if ctx.Err() != nil || errors.Is(git.Classify(out.stderr), git.ErrNoUpstream) {
			return "", failure(ctx, op, dir, out, err)
		}
		return "", &git.Error{Op: op, Dir: dir, Kind: git.ErrNoUpstream, Detail: upstreamGone, Err: err}
	}
	return strings.TrimSpace(string(out.stdout)), nil
}

// head returns the commit HEAD names after a merge or rebase.
func (b pullSteps) head(ctx context.Context, dir string, repo repoDirs, inProcess bool) (string, error) {
	if inProcess {
		if _, sha, err := readHead(repo); err == nil && sha != "" {
			return sha, nil
		}
	}
	out, err := b.b.git(ctx, "pull", dir, []string{"rev-parse", "HEAD"}, cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out.stdout)), nil
}

// abortTimeout bounds `git rebase --abort`, which runs even after ctx is
// cancelled so a repository is never left in the middle of a rebase.
const abortTimeout = 30 * time.Second

// rebase replays local commits onto upstream. Any failure — a conflict, or
// cancellation half-way — is undone with `git rebase --abort`.
func (b pullSteps) rebase(ctx context.Context, dir, upstream string) error {
	const op = "pull"
	o := cmdOpts{ceiling: true, extraEnv: []string{"GIT_REFLOG_ACTION=pull --rebase"}}
	out, err := b.b.run(ctx, dir, []string{"rebase", "--no-autostash", upstream}, o)
	if err == nil {
		return nil
	}
	kind := git.Classify(out.stderr)
	if ctx.Err() == nil && errors.Is(kind, git.ErrLocalChanges) {
		// Refused before starting: nothing to undo.
		return failure(ctx, op, dir, out, err)
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	aout, aerr := b.b.run(actx, dir, []string{"rebase", "--abort"}, cmdOpts{ceiling: true})
	if ctx.Err() != nil {
		return failure(ctx, op, dir, out, err)
	}
	if aerr != nil && !strings.Contains(aout.stderr, "No rebase in progress") {
		return &git.Error{Op: op, Dir: dir, Detail: "rebase failed and `git rebase --abort` failed too, finish or abort the rebase by hand: " + detail(aout.stderr), Err: aerr}
	}
	d := detail(out.stderr)
	if kind == nil || errors.Is(kind, git.ErrNotFastForward) {
		kind = git.ErrNotFastForward
		d = "rebase onto " + shortSHA(upstream) + " stopped on a conflict and was aborted; the branch is unchanged (" + d + ")"
	}
	return &git.Error{Op: op, Dir: dir, Kind: kind, Detail: d, Err: err}
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// Clone runs `git clone [--progress] [--depth N] [--branch B] -- URL DEST`.
// The "--" and the check below keep a URL from being read as an option.
func (b *Backend) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	const op = "clone"
	if url == "" || strings.HasPrefix(url, "-") {
		return &git.Error{Op: op, Dir: dest, Detail: fmt.Sprintf("refusing URL %q: it is empty or starts with '-'", scrub(url, nil)), Err: errors.New("invalid clone URL")}
	}
	if opt.Depth < 0 {
		return &git.Error{Op: op, Dir: dest, Detail: "negative depth", Err: errors.New("invalid clone depth")}
	}
	if nonEmptyDir(dest) {
		// git would refuse too, but only after starting; say it plainly
		// and with the same sentinel the go-git backend uses.
		return &git.Error{Op: op, Dir: dest, Kind: git.ErrDestExists, Detail: dest + " exists and is not empty"}
	}
	args := []string{"clone"}
	if opt.Progress != nil { // see fetchArgs
		args = append(args, "--progress")
	}
	if opt.Depth > 0 {
		args = append(args, "--depth="+strconv.Itoa(opt.Depth))
	}
	if opt.Mirror {
		args = append(args, "--mirror")
	} else if opt.Branch != "" {
		args = append(args, "--branch="+opt.Branch)
	}
	o := cmdOpts{progress: opt.Progress}.withAuth(url, opt.Auth)
	// With a token, hooks cannot run in the clone (authConfig), so the
	// checkout — where post-checkout and the user's filters run — is a
	// second git process that never sees the token. (Decided before the
	// stall limit adds its own configuration.)
	checkout := o.config != nil && !opt.Mirror
	o = withStall(o, opt.StallTimeout)
	if checkout {
		args = append(args, "--no-checkout")
	}
	args = append(args, "--", url, dest)
	// git creates dest (and missing parents) itself; run from our own
	// working directory so a relative dest means what the caller meant.
	out, err := b.run(ctx, "", args, o)
	if err != nil {
		return b.withRetryAfter(ctx, b.failure(ctx, op, dest, o, out, err), url, opt.Auth)
	}
	if checkout {
		return b.checkoutClone(ctx, dest)
	}
	return nil
}

// checkoutClone populates the work tree of a `clone --no-checkout` as git
// clone would have: `checkout -f HEAD` writes every file of HEAD and runs
// post-checkout (whose first argument is then HEAD rather than the null
// ID). An empty repository (unborn HEAD) has nothing to check out.
func (b *Backend) checkoutClone(ctx context.Context, dest string) error {
	if r, err := findRepo(dest); err == nil {
		if _, sha, err := readHead(r); err == nil && sha == "" {
			return nil
		}
	}
	_, err := b.git(ctx, "clone", dest, []string{"checkout", "-q", "-f", "HEAD"}, cmdOpts{ceiling: true})
	return err
}

// nonEmptyDir reports whether path exists and is anything but an empty
// directory.
func nonEmptyDir(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.IsDir() {
		return true
	}
	names, err := f.Readdirnames(1)
	return len(names) > 0 || (err != nil && !errors.Is(err, io.EOF))
}
