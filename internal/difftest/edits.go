package difftest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// editor makes the builder's changes after the history: submodules,
// stashes, merges, work-tree edits and the index. Each step is one of the
// build's steps (builder.build).
type editor struct{ b *builder }

// write puts a regular file (or, with mode modeLink, a symlink) at p in
// the work tree under test and records it.
func (b *builder) write(p string, e entry) error {
	full := filepath.Join(b.dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	// A directory where the model expected none (a conflicted merge can
	// leave one the model did not predict) goes with what is under it:
	// the disk then matches the model again, and git compares the same
	// work tree as the readers. os.Remove alone left it, and the write
	// failed with "is a directory" (FuzzDifferential seed 46).
	if st, err := os.Lstat(full); err == nil && st.IsDir() {
		if err := os.RemoveAll(full); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	_ = os.Remove(full)
	var err error
	switch e.mode {
	case modeLink:
		err = os.Symlink(e.data, full)
	case modeExec:
		err = os.WriteFile(full, []byte(e.data), 0o755)
	default:
		err = os.WriteFile(full, []byte(e.data), 0o644)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	b.disk[p] = e
	b.seen[p] = e
	return nil
}

// untracked writes a file nobody adds.
func (b editor) untracked(p string, e entry) error {
	b.b.repo.Untracked = append(b.b.repo.Untracked, p)
	return b.b.write(p, e)
}

// freePath draws a path that fits among those on disk, or "". A file may
// take the name of a directory whose files were renamed or deleted (git
// has rules for that, worth comparing), but a symlink (forLink) may not:
// git refuses to stage the removal of a path beyond a symlink.
func (b editor) freePath(forLink bool) string {
	for range 8 {
		p := join(randDir(b.b.rng), randFile(b.b.rng))
		if b.b.disk.fits(p) && (!forLink || b.b.seen.fits(p)) && !strings.HasPrefix(p, "mod/") {
			return p
		}
	}
	return ""
}

// pick draws one of ps, or "" when there is none.
func (b editor) pick(ps []string) string {
	if len(ps) == 0 {
		return ""
	}
	return ps[b.b.rng.IntN(len(ps))]
}

// later runs fn after the index is written: an unstaged change.
func (b editor) later(fn func() error) { b.b.post = append(b.b.post, fn) }

// submodule initialises the submodule half of the time, and then
// sometimes leaves it dirty or on another commit.
func (b editor) submodule() error {
	if b.b.rng.IntN(2) == 0 {
		return nil // registered but not initialised: an empty directory
	}
	cfg := fmt.Sprintf("[submodule \"mod\"]\n\tactive = true\n\turl = %s\n", b.b.up.Dir)
	if err := appendConfig(filepath.Join(b.b.main, ".git"), cfg); err != nil {
		return err
	}
	if err := b.b.git(b.b.dir, "-c", "protocol.file.allow=always", "submodule", "update", "-q"); err != nil {
		return err
	}
	mod := filepath.Join(b.b.dir, "mod")
	switch b.b.rng.IntN(4) {
	case 0:
		return os.WriteFile(filepath.Join(mod, "untracked-in-mod"), []byte("x\n"), 0o644)
	case 1:
		return os.WriteFile(filepath.Join(mod, "README"), []byte("changed in submodule\n"), 0o644)
	case 2:
		return b.b.git(mod, "checkout", "-q", "HEAD~1")
	}
	return nil
}

// stash makes one or two stash entries, sometimes with untracked files.
func (b editor) stash() error {
	for i := range 1 + b.b.rng.IntN(2) {
		args := []string{"stash", "push", "-q"}
		p := b.pick(b.b.head.regular())
		if p != "" && b.b.rng.IntN(3) > 0 {
			if err := b.b.write(p, entry{b.b.head[p].mode, b.b.head[p].data + "stashed\n"}); err != nil {
				return err
			}
		} else {
			args = append(args, "-u")
			q := fmt.Sprintf("stash-only-%d", i)
			if err := b.b.write(q, entry{modeFile, "stash me\n"}); err != nil {
				return err
			}
			delete(b.b.disk, q)
		}
		if err := b.b.git(b.b.dir, args...); err != nil {
			return err
		}
	}
	return nil
}

// merge merges "other", which stops with conflicts (or, when HEAD is
// where the history forked, fast-forwards).
func (b editor) merge() error {
	err := b.b.git(b.b.dir, "merge", "-q", "--no-edit", "other")
	if err != nil && !strings.Contains(err.Error(), "CONFLICT") && !strings.Contains(err.Error(), "exit status 1") {
		return err
	}
	return nil
}

// edits changes the work tree: ignore files and untracked files (Ignore),
// and staged or unstaged edits (Changes, Renames, Modes, Symlinks).
func (b editor) edits() error {
	type family struct {
		on Features
		do func() error
	}
	for _, fam := range []family{{Ignore, b.ignores}, {Changes, b.changes}, {Renames, b.renames}, {Modes, b.modes}, {Symlinks, b.symlinks}} {
		if !b.b.f.Has(fam.on) {
			continue
		}
		if err := fam.do(); err != nil {
			return err
		}
	}
	return nil
}

// ignores writes ignore files in several directories and info/exclude,
// then untracked files and directories for them to match or miss.
func (b editor) ignores() error {
	for range b.b.rng.IntN(3) {
		g := join(randDir(b.b.rng), ".gitignore")
		if _, tracked := b.b.head[g]; !tracked && !b.b.disk.fits(g) {
			continue
		}
		if err := b.b.write(g, entry{modeFile, patternLines(b.b.rng)}); err != nil {
			return err
		}
		if _, tracked := b.b.head[g]; !tracked {
			b.b.repo.Untracked = append(b.b.repo.Untracked, g)
		}
	}
	if b.b.rng.IntN(2) == 0 {
		exclude := filepath.Join(b.b.main, ".git", "info", "exclude")
		if err := os.WriteFile(exclude, []byte(patternLines(b.b.rng)), 0o644); err != nil {
			return err
		}
	}
	if b.b.bait != "" && b.b.disk.fits(b.b.bait) {
		if err := b.untracked(b.b.bait, entry{modeFile, "bait\n"}); err != nil {
			return err
		}
		if b.b.rng.IntN(2) == 0 {
			return nil // the bait alone decides whether the tree is clean
		}
	}
	for range 1 + b.b.rng.IntN(6) {
		if p := b.freePath(false); p != "" {
			if err := b.untracked(p, entry{modeFile, "untracked\n"}); err != nil {
				return err
			}
		}
	}
	if b.b.rng.IntN(4) == 0 {
		// An empty directory: git shows nothing for it.
		return os.MkdirAll(filepath.Join(b.b.dir, "empty dir", "inner"), 0o755)
	}
	return nil
}

// changes edits, deletes and adds files, staged or not.
func (b editor) changes() error {
	for i := range 1 + b.b.rng.IntN(4) {
		tag := fmt.Sprintf("change%d\n", i)
		switch b.b.rng.IntN(4) {
		case 0, 1:
			p := b.pick(b.b.head.regular())
			if p == "" {
				continue
			}
			e := entry{b.b.disk[p].mode, b.b.disk[p].data + tag}
			if err := b.maybeStaged(p, e); err != nil {
				return err
			}
		case 2:
			p := b.pick(b.b.head.regular())
			if p == "" {
				continue
			}
			delete(b.b.head, p)
			b.removal(p)
		default:
			p := b.freePath(false)
			if p == "" {
				continue
			}
			if b.b.rng.IntN(2) == 0 {
				b.b.stage = append(b.b.stage, p)
				if err := b.b.write(p, entry{modeFile, tag}); err != nil {
					return err
				}
			} else if err := b.untracked(p, entry{modeFile, tag}); err != nil {
				return err
			}
		}
	}
	return nil
}

// maybeStaged writes e at p as an unstaged change, a staged one, or a
// staged one changed again afterwards.
func (b editor) maybeStaged(p string, e entry) error {
	switch b.b.rng.IntN(3) {
	case 0:
		b.later(func() error { return b.b.write(p, e) })
		return nil
	case 1:
		b.b.stage = append(b.b.stage, p)
		return b.b.write(p, e)
	}
	b.b.stage = append(b.b.stage, p)
	again := entry{e.mode, e.data + "and again\n"}
	b.later(func() error { return b.b.write(p, again) })
	return b.b.write(p, e)
}

// removal deletes p, staged or not.
func (b editor) removal(p string) {
	full := filepath.Join(b.b.dir, filepath.FromSlash(p))
	delete(b.b.disk, p)
	if b.b.rng.IntN(2) == 0 {
		b.b.stage = append(b.b.stage, p)
		_ = os.Remove(full)
		return
	}
	b.later(func() error {
		// A merge may have removed it already (HEAD's tree as the
		// generator knows it predates the merge).
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}

// renames moves tracked files, exactly or with an edit, staged or not.
func (b editor) renames() error {
	for range 1 + b.b.rng.IntN(2) {
		from, to := b.pick(b.b.head.regular()), b.freePath(false)
		if from == "" || to == "" {
			continue
		}
		e := b.b.disk[from]
		if b.b.rng.IntN(3) == 0 {
			e.data += "edited while renamed\n"
		}
		delete(b.b.head, from)
		delete(b.b.disk, from)
		src := filepath.Join(b.b.dir, filepath.FromSlash(from))
		if b.b.rng.IntN(2) == 0 {
			b.b.stage = append(b.b.stage, from, to)
			_ = os.Remove(src)
			if err := b.b.write(to, e); err != nil {
				return err
			}
			continue
		}
		b.b.repo.Untracked = append(b.b.repo.Untracked, to)
		b.b.disk[to], b.b.seen[to] = e, e
		b.later(func() error {
			_ = os.Remove(src)
			return b.b.write(to, e)
		})
	}
	return nil
}

// modes flips the executable bit of a tracked file, staged or not.
func (b editor) modes() error {
	p := b.pick(b.b.head.regular())
	if p == "" {
		return nil
	}
	e := b.b.disk[p]
	e.mode = map[string]string{modeFile: modeExec, modeExec: modeFile}[e.mode]
	return b.maybeStaged(p, e)
}

// symlinks adds untracked links (to a file, a directory, nowhere),
// retargets tracked links and replaces a file by a link.
func (b editor) symlinks() error {
	targets := []string{"README", "a", "nowhere", "../outside", "."}
	if p := b.freePath(true); p != "" {
		if err := b.untracked(p, entry{modeLink, targets[b.b.rng.IntN(len(targets))]}); err != nil {
			return err
		}
	}
	if p := b.pick(b.b.head.ofMode(modeLink)); p != "" {
		if err := b.maybeStaged(p, entry{modeLink, b.b.disk[p].data + "-moved"}); err != nil {
			return err
		}
	}
	if p := b.pick(b.b.head.regular()); p != "" && b.b.rng.IntN(2) == 0 {
		return b.maybeStaged(p, entry{modeLink, "README"})
	}
	return nil
}

// index writes the index once: staged paths, the index format, and with
// Backdate a refresh after making every file older than the index, so
// that no entry is racily clean.
func (b editor) index() error {
	args := []string{"update-index", "-q", "--unmerged"}
	if b.b.f.Has(Backdate) {
		if err := backdate(b.b.dir); err != nil {
			return err
		}
		args = append(args, "--refresh")
	}
	if b.b.f.Has(IndexV4) {
		args = append(args, "--index-version", "4")
	}
	if b.b.f.Has(SplitIndex) {
		if err := appendConfig(filepath.Join(b.b.main, ".git"), "[core]\n\tsplitIndex = true\n"); err != nil {
			return err
		}
		args = append(args, "--split-index")
	}
	if len(b.b.stage) > 0 {
		args = append(args, "--add", "--remove", "--")
		args = append(args, b.b.stage...)
	}
	if len(args) == 3 {
		return nil
	}
	return b.b.git(b.b.dir, args...)
}

// backdate makes every file and directory under dir (not .git, not
// symlinks) an hour old.
func backdate(dir string) error {
	old := time.Now().Add(-time.Hour)
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		return os.Chtimes(p, old, old)
	})
}
