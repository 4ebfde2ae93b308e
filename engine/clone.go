package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/quickstatus"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// cloneExec is an operation's execution seen as a clone: the steps of
// OpClone (a new clone, or the replacement of an existing one under
// UpdateForce) over the operation's run, backend and logger.
type cloneExec struct{ ex *opExec }

// destState is what a clone finds at its destination.
type destState int

const (
	destMissing destState = iota
	destEmpty             // an empty directory: cloned into like a missing one
	destRepo              // a git work tree
	destOther             // a file, or a non-empty directory that is not a repository
)

// inspectDest says what is at dest; with bare, a bare repository (a
// mirror) counts as a clone too.
func inspectDest(dest string, bare bool) (destState, error) {
	fi, err := os.Stat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return destMissing, nil
	}
	if err != nil {
		return 0, err
	}
	if !fi.IsDir() {
		return destOther, nil
	}
	if _, err := os.Lstat(filepath.Join(dest, ".git")); err == nil {
		return destRepo, nil
	}
	if _, err := gitobj.OpenBare(dest); bare && err == nil {
		return destRepo, nil
	}
	f, err := os.Open(dest)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); errors.Is(err, io.EOF) {
		return destEmpty, nil
	} else if err != nil {
		return 0, err
	}
	return destOther, nil
}

// clone runs a clone job: a fresh atomic clone, or what Options.UpdateMode
// says for a destination that already holds a clone.
func (x cloneExec) clone() (Result, error) {
	repo, opt := x.ex.jb.Repo, x.ex.r.plan.Options
	if repo.URL == "" || !filepath.IsAbs(repo.Path) {
		return Result{}, fmt.Errorf("clone %s: need a URL and an absolute destination (got %q)", repo.ID, repo.Path)
	}
	dest := filepath.Clean(repo.Path)
	if !opt.DryRun {
		// Whatever the mode: a rerun that only skips existing clones
		// still clears what a killed run left beside them.
		x.ex.r.sweepStaleTemps(filepath.Dir(dest), workspaceRoot(repo))
	}
	state, err := inspectDest(dest, opt.Mirror)
	if err != nil {
		return Result{}, fmt.Errorf("clone %s: inspect destination: %w", repo.ID, err)
	}
	switch state {
	case destMissing, destEmpty:
		if opt.DryRun {
			return Result{Outcome: OutcomeSkipped, Detail: "dry run: would clone into " + dest}, nil
		}
		return x.cloneNew(dest, state == destEmpty)
	case destOther:
		return Result{}, fmt.Errorf("clone %s: %s exists and is not a git repository; left untouched: %w",
			repo.ID, dest, git.ErrDestExists)
	}

	switch opt.UpdateMode {
	case UpdatePull:
		origin, err := workspace.OriginURL(dest)
		if err != nil {
			return Result{}, fmt.Errorf("clone %s: %s exists: %w: %w", repo.ID, dest, err, git.ErrDestExists)
		}
		if !workspace.SameRemote(origin, repo.URL) {
			return Result{}, fmt.Errorf("clone %s: %s is a clone of %s, not %s; left untouched: %w",
				repo.ID, dest, redact.URL(origin), redact.URL(repo.URL), git.ErrDestExists)
		}
		if opt.DryRun {
			return Result{Outcome: OutcomeSkipped, Detail: "dry run: exists, would pull", Existed: true}, nil
		}
		// A mirror is updated by fetching every ref (with prune); a work
		// tree always fast-forward only: --rebase is for the pull command,
		// where the user chose the repositories.
		var res Result
		if opt.Mirror {
			if res, err = x.ex.fetchThenStatus("clone"); err == nil {
				res.Detail = "exists; " + res.Detail
			}
		} else {
			res, err = x.ex.pull(false, "exists; ")
		}
		res.Existed = true
		return res, err
	case UpdateForce:
		if !opt.DiscardLocalChanges {
			if err := x.ex.checkNoLocalWork(dest, ""); err != nil {
				if opt.DryRun {
					return Result{Outcome: OutcomeSkipped, Detail: "dry run: would refuse: " + err.Error()}, nil
				}
				return Result{}, err
			}
		}
		if opt.DryRun {
			return Result{Outcome: OutcomeSkipped, Detail: "dry run: exists, would replace with a fresh clone"}, nil
		}
		return x.replace(dest)
	default:
		return Result{Outcome: OutcomeSkipped, Detail: "exists", Existed: true}, nil
	}
}

// cloneNew clones into a temporary sibling and renames it into place, so
// dest never holds a partial clone. replaceEmpty allows an empty directory
// at dest.
func (x cloneExec) cloneNew(dest string, replaceEmpty bool) (Result, error) {
	parent := filepath.Dir(dest)
	created, err := mkdirAllTracked(parent)
	if err != nil {
		return Result{}, fmt.Errorf("clone %s: %w", x.ex.jb.Repo.ID, classifyOS(err))
	}
	landed := false
	defer func() {
		if !landed {
			removeCreated(created)
		}
	}()
	tmp, cleanup, err := x.cloneToTemp(dest)
	defer cleanup()
	if err != nil {
		return Result{}, err
	}
	if replaceEmpty {
		_ = os.Remove(dest) // fails, harmlessly, if something appeared in it
	}
	if err := os.Rename(tmp, dest); err != nil {
		return Result{}, fmt.Errorf("clone %s: move into place: %w", x.ex.jb.Repo.ID, err)
	}
	landed = true
	return x.statusAfterClone(Result{Detail: "cloned"}), nil
}

// replace clones afresh and swaps the new clone in for the old one, which
// is moved to the trash (see moveToTrash), never deleted. dest is never
// missing after a failure: the old clone is moved back.
func (x cloneExec) replace(dest string) (Result, error) {
	tmp, cleanup, err := x.cloneToTemp(dest)
	defer cleanup()
	if err != nil {
		return Result{}, err
	}
	if !x.ex.r.plan.Options.DiscardLocalChanges {
		// The check in clone ran before a clone that may have taken
		// minutes, and could not compare refs with the remote; this one
		// compares with the fresh clone. On refusal cleanup removes it.
		if err := x.ex.checkNoLocalWork(dest, tmp); err != nil {
			return Result{}, err
		}
	}
	worktrees := linkedWorktrees(dest)
	old, err := moveToTrash(trashDirFor(x.ex.jb.Repo), x.ex.jb.Repo.ID, dest)
	if err != nil {
		return Result{}, fmt.Errorf("clone %s: move old clone aside, not replacing it: %w", x.ex.jb.Repo.ID, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		if rerr := os.Rename(old, dest); rerr != nil {
			return Result{}, fmt.Errorf("clone %s: move new clone into place: %w; old clone kept at %s: %w",
				x.ex.jb.Repo.ID, err, old, rerr)
		}
		return Result{}, fmt.Errorf("clone %s: move new clone into place: %w", x.ex.jb.Repo.ID, err)
	}
	// Linked worktrees of the old clone now belong to the trashed one:
	// point them there so they stay usable git work trees.
	repairWorktrees(worktrees, dest, old, x.ex.log)
	x.ex.log.Info().Str("path", old).Msg("old clone moved to the trash")
	res := Result{Detail: "replaced with a fresh clone; old clone kept at " + old + " (mgit clean --trash removes it)"}
	return x.statusAfterClone(res), nil
}

// cloneToTemp clones the job's URL into a fresh hidden sibling of dest and
// returns its path. cleanup removes it unless it has been renamed away; it
// does not depend on any context, so it also runs after cancellation.
func (x cloneExec) cloneToTemp(dest string) (tmp string, cleanup func(), err error) {
	parent, name := filepath.Dir(dest), filepath.Base(dest)
	x.ex.r.sweepStaleTemps(parent, workspaceRoot(x.ex.jb.Repo))
	dir := filepath.Join(parent, "."+name+workspace.TempCloneMarker+strconv.Itoa(os.Getpid())+"-"+NewRunID())
	cleanup = func() {
		if _, err := os.Lstat(dir); err == nil {
			if err := os.RemoveAll(dir); err != nil {
				x.ex.log.Warn().Err(err).Str("path", dir).Msg("could not remove temporary clone")
			}
		}
	}
	opts := git.CloneOptions{Auth: x.ex.credentials(), Progress: x.ex.progressFunc(), Depth: x.ex.r.plan.Options.Depth, Mirror: x.ex.r.plan.Options.Mirror, StallTimeout: x.ex.r.e.cfg.StallTimeout, SizeHint: x.ex.jb.Repo.Size}
	err = x.ex.attempt(x.ex.r.e.cfg.Timeout, func(ctx context.Context) error {
		// A failed attempt may leave a partial clone; each try starts clean.
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := x.ex.backend().Clone(ctx, x.ex.jb.Repo.URL, dir, opts); err != nil {
			return classifyOS(err)
		}
		return nil
	})
	if err != nil {
		return "", cleanup, fmt.Errorf("clone %s: %w", x.ex.jb.Repo.ID, err)
	}
	return dir, cleanup, nil
}

// sweepStaleTemps runs removeStaleTemps on parent the first time this run
// clones into it: a stale temporary clone only appears when a process dies,
// so once per run is enough, and reading a directory holding thousands of
// clones (a big organization, --layout flat) for every clone is quadratic.
func (r *run) sweepStaleTemps(parent, root string) {
	r.mu.Lock()
	done := r.swept[parent]
	if !done {
		if r.swept == nil {
			r.swept = map[string]bool{}
		}
		r.swept[parent] = true
	}
	r.mu.Unlock()
	if !done {
		removeStaleTemps(parent, root, r.log)
	}
}

// processStart is when this process started, near enough: set once when
// the package is initialised and never changed. A temporary clone named
// with this process's pid but older than this was left by an earlier
// process that had the same pid — the rule in a container, where mgit is
// pid 1 every time.
var processStart = time.Now()

// removeStaleTemps clears what dead mgit processes (a crash or SIGKILL
// mid-clone) left in parent: temporary clones, named
// .<name><TempCloneMarker><pid>-<id>, are removed — they hold nothing but
// a partial download; clones set aside by older versions of mgit while
// replacing (.<name><OldCloneMarker><id>) are moved to the trash, never
// deleted. Temporary clones of live processes, this one included, are left
// alone.
func removeStaleTemps(parent, root string, log zerolog.Logger) {
	f, err := os.Open(parent)
	if err != nil {
		return
	}
	names, _ := f.Readdirnames(-1) // unsorted: sorting thousands of names buys nothing here
	f.Close()
	for _, n := range names {
		if len(n) < 2 || n[0] != '.' {
			continue
		}
		if i := strings.LastIndex(n, workspace.OldCloneMarker); i >= 2 {
			moveOldToTrash(parent, root, n, n[1:i], log)
			continue
		}
		i := strings.LastIndex(n, workspace.TempCloneMarker)
		if i < 2 {
			continue
		}
		pidStr, _, _ := strings.Cut(n[i+len(workspace.TempCloneMarker):], "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid <= 0 || !staleTemp(filepath.Join(parent, n), pid) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(parent, n))
	}
}

// staleTemp reports whether the temporary clone at path, named with pid,
// belongs to a process that no longer runs.
func staleTemp(path string, pid int) bool {
	if pid != os.Getpid() {
		return !processAlive(pid)
	}
	fi, err := os.Lstat(path)
	return err == nil && fi.ModTime().Before(processStart)
}

// moveOldToTrash moves a clone an older mgit set aside beside its
// destination (and was killed before it could put it back or remove it)
// into the trash, where it can be found and restored.
func moveOldToTrash(parent, root, entry, name string, log zerolog.Logger) {
	id, err := filepath.Rel(root, filepath.Join(parent, name))
	if err != nil {
		id = name
	}
	to, err := moveToTrash(filepath.Join(root, StateDirName, TrashDirName), id, filepath.Join(parent, entry))
	if err != nil {
		log.Warn().Err(err).Str("path", filepath.Join(parent, entry)).Msg("could not move a set-aside clone to the trash")
		return
	}
	log.Warn().Str("path", to).Msg("a clone set aside by an interrupted run was moved to the trash")
}

// mkdirAllTracked creates dir and its missing parents, returning the
// directories it created, deepest first, so a failed clone can take back
// the empty <host>/<org> directories it made.
func mkdirAllTracked(dir string) ([]string, error) {
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			break
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return missing, nil
}

// removeCreated removes the directories mkdirAllTracked created, if they are
// still empty (another clone may have landed in one meanwhile).
func removeCreated(dirs []string) {
	for _, d := range dirs {
		if os.Remove(d) != nil {
			return
		}
	}
}

// statusAfterClone reads the state of a clone that just landed. Nobody has
// touched its work tree, so there is nothing to compare: quickstatus reads
// branch, upstream and HEAD only. A fresh checkout is otherwise the most
// expensive status there is (every file racily clean); measured, it was 42%
// of mgit's own CPU time in a 200-repository clone.
func (x cloneExec) statusAfterClone(res Result) Result {
	if !x.ex.r.plan.Options.Mirror {
		if st, err := quickstatus.ReadFresh(x.ex.jb.Repo.Path); err == nil {
			res.Status = &st
			return res
		}
	}
	return x.ex.statusAfter(res)
}
