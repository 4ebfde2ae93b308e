package gittest

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// preparedClones holds, per repository name and key, the files of a clone
// of what CreateRepo makes after prepare ran in it (see ClonePrepared).
var preparedClones sync.Map // name + "\x00" + key -> *cachedClone

// ClonePrepared is s.CloneCreated followed by prepare(dest), for fixtures
// that several tests build the same way with many git processes (local
// commits and branches on top of the created repository). The first call
// of a test binary for a name and key clones and runs prepare; later calls
// copy the result (modes, symlinks, modification times) and point its
// origin at this server. prepare must act on the clone only, never on the
// server, and make the same repository whichever test runs it first; a
// caller that needs a commit ID reads it from dest (the copies are of one
// build, so IDs are the same in every copy, not fresh ones). It is a
// function, not a method: Server is at the method budget.
func ClonePrepared(t testing.TB, s *Server, name, key, dest string, prepare func(t testing.TB, dir string)) {
	t.Helper()
	v, _ := preparedClones.LoadOrStore(name+"\x00"+key, &cachedClone{})
	cc := v.(*cachedClone)
	cc.once.Do(func() {
		dir, err := os.MkdirTemp("", "gittest-prepared-")
		if err != nil {
			t.Fatalf("clone %s (%s): %v", name, key, err)
		}
		defer os.RemoveAll(dir)
		work := filepath.Join(dir, "work")
		s.CloneCreated(t, name, work)
		prepare(t, work)
		if cc.files, err = saveTree(work); err != nil {
			t.Fatalf("clone %s (%s): %v", name, key, err)
		}
		cc.url, cc.built = s.URL(name), true
	})
	if !cc.built {
		t.Fatalf("clone %s (%s): its preparation failed in another test", name, key)
	}
	fix := func(rel string, data []byte) []byte {
		if rel != filepath.Join(".git", "config") {
			return data
		}
		return bytes.ReplaceAll(data, []byte(cc.url), []byte(s.URL(name)))
	}
	if err := writeTree(dest, cc.files, fix); err != nil {
		t.Fatalf("clone %s (%s): %v", name, key, err)
	}
}
