package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// StateDirName is the hidden directory at the workspace root where mgit
// keeps what it must not lose or must share between processes: the trash
// (replaced clones) and the repository locks. Discovery skips hidden
// directories, so nothing in it is taken for a repository.
const StateDirName = workspace.StateDirName

// TrashDirName is the directory under StateDirName holding replaced
// clones, one directory each, named <UTC time>-<repository id with / as
// _>. Nothing in mgit removes them but `mgit clean --trash`.
const TrashDirName = "trash"

// workspaceRoot derives the workspace root of repo: Repo.ID is its path
// relative to the root. When Path does not end in ID (a caller that set
// them apart) the repository's parent directory stands in.
func workspaceRoot(repo Repo) string {
	p := filepath.Clean(repo.Path)
	id := filepath.FromSlash(repo.ID)
	if repo.ID != "" && !filepath.IsAbs(id) && strings.HasSuffix(p, string(filepath.Separator)+id) {
		return strings.TrimSuffix(p, string(filepath.Separator)+id)
	}
	return filepath.Dir(p)
}

// trashDirFor is where a replaced clone of repo goes.
func trashDirFor(repo Repo) string {
	return filepath.Join(workspaceRoot(repo), StateDirName, TrashDirName)
}

// TrashDir is the trash of the workspace at root, for `mgit clean --trash`.
func TrashDir(root string) string {
	return filepath.Join(root, StateDirName, TrashDirName)
}

// moveToTrash renames dest into the trash with one rename, so no moment
// exists where the old clone is neither at dest nor in the trash. When the
// workspace's trash is on another file system (dest is below a mount
// point), a trash beside dest is used instead.
func moveToTrash(trash, id, dest string) (string, error) {
	if id == "" {
		id = filepath.Base(dest)
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + strings.ReplaceAll(filepath.ToSlash(id), "/", "_")
	var firstErr error
	for _, dir := range []string{trash, filepath.Join(filepath.Dir(dest), StateDirName, TrashDirName)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			firstErr = cmp(firstErr, err)
			continue
		}
		if err := realTrash(dir); err != nil {
			firstErr = cmp(firstErr, err)
			continue
		}
		to := filepath.Join(dir, name)
		err := os.Rename(dest, to)
		if err == nil {
			return to, nil
		}
		firstErr = cmp(firstErr, err)
		if !errors.Is(err, syscall.EXDEV) {
			break
		}
	}
	return "", firstErr
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// linkedWorktree is one linked worktree of a clone: its administrative
// directory name under .git/worktrees and the .git file in its work tree.
type linkedWorktree struct{ name, gitFile string }

// linkedWorktrees reads the linked worktrees registered in dest's git
// directory.
func linkedWorktrees(dest string) []linkedWorktree {
	common, err := gitobj.CommonDir(dest)
	if err != nil {
		return nil
	}
	names, _ := readDirNames(filepath.Join(common, "worktrees"))
	var out []linkedWorktree
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(common, "worktrees", n, "gitdir"))
		if err != nil {
			continue
		}
		out = append(out, linkedWorktree{name: n, gitFile: strings.TrimSpace(string(b))})
	}
	return out
}

// repairWorktrees points the .git files of linked worktrees, which named
// the old clone's git directory under dest, at the trashed clone, as `git
// worktree repair` would. A worktree whose .git file names something else
// is left alone.
func repairWorktrees(wts []linkedWorktree, dest, trashed string, log zerolog.Logger) {
	for _, wt := range wts {
		b, err := os.ReadFile(wt.gitFile)
		if err != nil {
			continue
		}
		want := "gitdir: " + filepath.Join(dest, ".git", "worktrees", wt.name)
		if strings.TrimSpace(string(b)) != want {
			continue
		}
		to := "gitdir: " + filepath.Join(trashed, ".git", "worktrees", wt.name) + "\n"
		if err := os.WriteFile(wt.gitFile, []byte(to), 0o644); err != nil {
			log.Warn().Err(err).Str("path", wt.gitFile).Msg("could not point a linked worktree at the trashed clone")
		}
	}
}

// realTrash refuses a trash (or its .mgit parent) that is a symlink or not
// a directory: through a link, a replaced clone would leave the workspace,
// and `clean --trash` would empty whatever directory the link names.
func realTrash(dir string) error {
	for _, d := range []string{filepath.Dir(dir), dir} {
		fi, err := os.Lstat(d)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("trash %s: %s is not a directory (a symlink?); mgit uses only a real directory there: remove or rename it", dir, d)
		}
	}
	return nil
}

// TrashEntry is one replaced clone in the trash.
type TrashEntry struct {
	Path    string
	Trashed time.Time // from the name; zero when the name does not tell
}

// ListTrash lists the replaced clones in the trash of the workspace at root.
func ListTrash(root string) ([]TrashEntry, error) {
	if err := realTrash(TrashDir(root)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	names, err := readDirNames(TrashDir(root))
	if err != nil {
		return nil, err
	}
	var out []TrashEntry
	for _, n := range names {
		e := TrashEntry{Path: filepath.Join(TrashDir(root), n)}
		if ts, _, ok := strings.Cut(n, "-"); ok {
			e.Trashed, _ = time.Parse("20060102T150405.000000000Z", ts)
		}
		out = append(out, e)
	}
	return out, nil
}

// EmptyTrash removes the replaced clones trashed before cutoff (all of them
// when cutoff is zero) and returns the paths removed. Entries whose time
// cannot be read from the name are judged by their modification time.
func EmptyTrash(root string, cutoff time.Time) ([]string, error) {
	entries, err := ListTrash(root)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		t := e.Trashed
		if t.IsZero() {
			fi, err := os.Lstat(e.Path)
			if err != nil {
				continue
			}
			t = fi.ModTime()
		}
		if !cutoff.IsZero() && !t.Before(cutoff) {
			continue
		}
		if err := os.RemoveAll(e.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("empty trash: remove %s: %w", e.Path, err)
		}
		removed = append(removed, e.Path)
	}
	return removed, nil
}
