package gittest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// seedTemplates holds, per repository name, the files of the bare repository
// and seed work tree CreateRepo makes. Building them takes eight git
// processes; every test of a package builds the same pair, so the first call
// builds it once and later calls write the saved bytes back. The cache is a
// test helper's memo of immutable data, shared by the parallel tests of one
// test binary.
var seedTemplates sync.Map // name -> *seedTemplate

// seedTemplate is one saved pair. The seed's .git/config names the bare
// repository by its path; barePath is that path in the saved bytes, replaced
// by the new one on restore.
type seedTemplate struct {
	once     sync.Once
	err      error
	barePath string
	bare     []savedFile
	seed     []savedFile
}

// savedFile is one file, directory or symlink of a saved tree.
type savedFile struct {
	rel   string
	mode  fs.FileMode
	data  []byte // content, or a symlink's target
	mtime time.Time
}

// templateFor returns the saved pair for name, building it on first use in
// a directory of its own with the isolated configuration Isolate installs,
// so that its content does not depend on the calling test's environment.
func templateFor(name string) (*seedTemplate, error) {
	v, _ := seedTemplates.LoadOrStore(name, &seedTemplate{})
	tpl := v.(*seedTemplate)
	tpl.once.Do(func() { tpl.err = tpl.build(name) })
	return tpl, tpl.err
}

// build runs the git commands CreateRepo used to run on every call.
func (tpl *seedTemplate) build(name string) error {
	dir, err := os.MkdirTemp("", "gittest-template-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		return err
	}
	env, err := writeHome(home)
	if err != nil {
		return err
	}
	bare := filepath.Join(dir, "bare", name+".git")
	seed := filepath.Join(dir, "seed", name)
	for _, d := range []string{filepath.Dir(bare), seed} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(seed, "README.md"), []byte("# "+name+"\n"), 0o644); err != nil {
		return err
	}
	steps := []struct {
		dir  string
		args []string
	}{
		{"", []string{"init", "-q", "--bare", "-b", "main", bare}},
		// Allow pushes over HTTP even without REMOTE_USER (anonymous servers).
		{bare, []string{"config", "http.receivepack", "true"}},
		{seed, []string{"init", "-q", "-b", "main"}},
		{seed, []string{"add", "--", "README.md"}},
		{seed, []string{"commit", "-q", "-m", "initial commit"}},
		{seed, []string{"remote", "add", "origin", bare}},
		{seed, []string{"push", "-q", "-u", "origin", "main"}},
	}
	for _, s := range steps {
		cmd := exec.Command("git", s.args...)
		cmd.Dir, cmd.Env = s.dir, append(cleanEnviron(), env...)
		if s.dir == "" {
			cmd.Dir = dir
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %w: %s", strings.Join(s.args, " "), err, out)
		}
	}
	tpl.barePath = bare
	if tpl.bare, err = saveTree(bare); err != nil {
		return err
	}
	tpl.seed, err = saveTree(seed)
	return err
}

// cleanEnviron is this process's environment without the variables a
// developer's shell may carry that would change what git does.
func cleanEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(leakyVars, k) {
			out = append(out, kv)
		}
	}
	return out
}

// restore writes the saved pair to bare and seed; the seed's origin becomes
// bare.
func (tpl *seedTemplate) restore(bare, seed string) error {
	if err := writeTree(bare, tpl.bare, nil); err != nil {
		return err
	}
	fix := func(rel string, data []byte) []byte {
		if rel != filepath.Join(".git", "config") {
			return data
		}
		return bytes.ReplaceAll(data, []byte(tpl.barePath), []byte(bare))
	}
	return writeTree(seed, tpl.seed, fix)
}

// saveTree reads every directory and regular file under root.
func saveTree(root string) ([]savedFile, error) {
	var out []savedFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := savedFile{rel: rel, mode: info.Mode(), mtime: info.ModTime()}
		switch {
		case info.Mode().IsRegular():
			if f.data, err = os.ReadFile(p); err != nil {
				return err
			}
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			f.data = []byte(target)
		case !info.IsDir():
			return &fs.PathError{Op: "save", Path: p, Err: fs.ErrInvalid}
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// writeTree writes files under root (created if missing), passing each
// file's bytes through fix when fix is not nil. Files keep their saved
// modification times, so that an index's stat data still matches what it
// describes as closely as a copy allows.
func writeTree(root string, files []savedFile, fix func(rel string, data []byte) []byte) error {
	var dirs []savedFile
	for _, f := range files {
		p := filepath.Join(root, f.rel)
		switch {
		case f.mode.IsDir():
			if err := os.MkdirAll(p, 0o700); err != nil {
				return err
			}
			dirs = append(dirs, f)
			continue
		case f.mode&fs.ModeSymlink != 0:
			if err := os.Symlink(string(f.data), p); err != nil {
				return err
			}
			continue
		}
		data := f.data
		if fix != nil {
			data = fix(f.rel, data)
		}
		if err := os.WriteFile(p, data, f.mode.Perm()); err != nil {
			return err
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			return err
		}
	}
	// Directories last and deepest first: writing into a directory changes
	// its time, and a read-only one could not be written into.
	for i := len(dirs) - 1; i >= 0; i-- {
		p := filepath.Join(root, dirs[i].rel)
		if err := os.Chmod(p, dirs[i].mode.Perm()); err != nil {
			return err
		}
		if err := os.Chtimes(p, dirs[i].mtime, dirs[i].mtime); err != nil {
			return err
		}
	}
	return nil
}

// trees holds the saved trees of CachedTree, per key.
var trees sync.Map // key -> *cachedTree

// cachedTree is one saved tree of CachedTree.
type cachedTree struct {
	once  sync.Once
	built bool
	dir   string // where it was built
	files []savedFile
}

// CachedTree returns a new directory (under t.TempDir) holding what build
// made in an empty directory. build runs once per test binary and key, in
// the first caller's test and environment; later calls copy the saved files
// (content, modes, symlinks, modification times) instead of running it
// again. Occurrences of the build directory's path in files named config or
// FETCH_HEAD (remote URLs) are replaced by the new directory's path.
//
// Use it for fixtures that many tests build the same way with many git
// processes; build must make the same tree whichever test runs it first.
func CachedTree(t testing.TB, key string, build func(t testing.TB, dir string)) string {
	t.Helper()
	v, _ := trees.LoadOrStore(key, &cachedTree{})
	ct := v.(*cachedTree)
	ct.once.Do(func() {
		dir, err := os.MkdirTemp("", "gittest-tree-")
		if err != nil {
			t.Fatalf("cached tree %s: %v", key, err)
		}
		defer os.RemoveAll(dir)
		build(t, dir)
		if ct.files, err = saveTree(dir); err != nil {
			t.Fatalf("cached tree %s: %v", key, err)
		}
		ct.dir, ct.built = dir, true
	})
	if !ct.built {
		t.Fatalf("cached tree %s: its build failed in another test", key)
	}
	dst := t.TempDir()
	fix := func(rel string, data []byte) []byte {
		if base := filepath.Base(rel); base != "config" && base != "FETCH_HEAD" {
			return data
		}
		return bytes.ReplaceAll(data, []byte(ct.dir), []byte(dst))
	}
	if err := writeTree(dst, ct.files, fix); err != nil {
		t.Fatalf("cached tree %s: %v", key, err)
	}
	return dst
}

// createdClones holds, per repository name, the files of a clone of what
// CreateRepo makes (see CloneCreated).
var createdClones sync.Map // name -> *cachedClone

// cachedClone is one saved clone and the origin URL it was made from.
type cachedClone struct {
	once  sync.Once
	built bool
	url   string
	files []savedFile
}

// CloneCreated is Clone for a repository that CreateRepo made on this
// server and that nothing has changed since. The first call of a test binary
// for a name clones over HTTP; later calls copy that clone (whose content is
// the same, as CreateRepo copies one build too) and point its origin at this
// server. It saves a git process, an HTTP round trip and a pack per fixture.
func (s *Server) CloneCreated(t testing.TB, name, dest string) {
	t.Helper()
	v, _ := createdClones.LoadOrStore(name, &cachedClone{})
	cc := v.(*cachedClone)
	cc.once.Do(func() {
		dir, err := os.MkdirTemp("", "gittest-clone-")
		if err != nil {
			t.Fatalf("clone %s: %v", name, err)
		}
		defer os.RemoveAll(dir)
		work := filepath.Join(dir, "work")
		s.Clone(t, name, work)
		if cc.files, err = saveTree(work); err != nil {
			t.Fatalf("clone %s: %v", name, err)
		}
		cc.url, cc.built = s.URL(name), true
	})
	if !cc.built {
		t.Fatalf("clone %s: the first clone failed in another test", name)
	}
	fix := func(rel string, data []byte) []byte {
		if rel != filepath.Join(".git", "config") {
			return data
		}
		return bytes.ReplaceAll(data, []byte(cc.url), []byte(s.URL(name)))
	}
	if err := writeTree(dest, cc.files, fix); err != nil {
		t.Fatalf("clone %s: %v", name, err)
	}
}
