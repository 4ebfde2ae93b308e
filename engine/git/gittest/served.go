package gittest

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// servedPairs holds the saved pairs of ServedClone, per key.
var servedPairs sync.Map // key -> *servedPair

// servedPair is one saved bare repository and clone, and the path the
// clone's origin named when it was built.
type servedPair struct {
	once     sync.Once
	built    bool
	barePath string
	bare     []savedFile
	work     []savedFile
}

// ServedClone puts a bare repository <name>.git on s and a clone of it at
// dest whose origin is s.URL(name): what a test gets from CreateRepo, a few
// commits pushed and s.Clone, without the git processes and HTTP round trips
// on every call. build makes the pair once per test binary and key: bare is
// an empty bare repository with branch main, work an empty work tree whose
// origin is bare (a path), and build commits and pushes what the fixture
// needs; later calls copy the saved files. build must make the same pair
// whichever test runs it first.
func ServedClone(t testing.TB, s *Server, key, name, dest string, build func(t testing.TB, bare, work string)) {
	t.Helper()
	v, _ := servedPairs.LoadOrStore(key, &servedPair{})
	sp := v.(*servedPair)
	sp.once.Do(func() {
		dir, err := os.MkdirTemp("", "gittest-served-")
		if err != nil {
			t.Fatalf("served clone %s: %v", key, err)
		}
		defer os.RemoveAll(dir)
		bare, work := filepath.Join(dir, "bare.git"), filepath.Join(dir, "work")
		Git(t, "", "init", "-q", "--bare", "-b", "main", bare)
		// Allow pushes over HTTP even without REMOTE_USER, as CreateRepo does.
		Git(t, bare, "config", "http.receivepack", "true")
		InitRepo(t, work)
		Git(t, work, "remote", "add", "origin", bare)
		build(t, bare, work)
		// A clone also records the remote's HEAD (origin/HEAD).
		Git(t, work, "remote", "set-head", "origin", "--auto")
		if sp.bare, err = saveTree(bare); err != nil {
			t.Fatalf("served clone %s: %v", key, err)
		}
		if sp.work, err = saveTree(work); err != nil {
			t.Fatalf("served clone %s: %v", key, err)
		}
		sp.barePath, sp.built = bare, true
	})
	if !sp.built {
		t.Fatalf("served clone %s: its build failed in another test", key)
	}
	if err := writeTree(s.BareDir(name), sp.bare, nil); err != nil {
		t.Fatalf("served clone %s: %v", key, err)
	}
	// The origin named by path becomes the server's URL, as in a clone
	// made over HTTP.
	fix := func(rel string, data []byte) []byte {
		if base := filepath.Base(rel); base != "config" && base != "FETCH_HEAD" {
			return data
		}
		return bytes.ReplaceAll(data, []byte(sp.barePath), []byte(s.URL(name)))
	}
	if err := writeTree(dest, sp.work, fix); err != nil {
		t.Fatalf("served clone %s: %v", key, err)
	}
}
