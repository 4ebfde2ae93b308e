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

// savedFile is one file or directory of a saved tree.
type savedFile struct {
	rel  string
	mode fs.FileMode
	data []byte
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
		f := savedFile{rel: rel, mode: info.Mode()}
		if info.Mode().IsRegular() {
			if f.data, err = os.ReadFile(p); err != nil {
				return err
			}
		} else if !info.IsDir() {
			return &fs.PathError{Op: "save", Path: p, Err: fs.ErrInvalid}
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// writeTree writes files under root (created if missing), passing each
// file's bytes through fix when fix is not nil.
func writeTree(root string, files []savedFile, fix func(rel string, data []byte) []byte) error {
	for _, f := range files {
		p := filepath.Join(root, f.rel)
		if f.mode.IsDir() {
			if err := os.MkdirAll(p, f.mode.Perm()|0o700); err != nil {
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
	}
	return nil
}
