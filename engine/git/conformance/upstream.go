package conformance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// upstreamCommit adds a commit on the server's main branch.
//
// A commit and its push are about ten git processes, and most cases add
// the same commit to the same server state, for both backends. So the
// result (the server's bare repository and the seed) is built by git once
// per test binary and starting state (see upstreamKey) and copied after
// that: a case gets the same commit, built by git, without its processes.
func (f *fixture) upstreamCommit(file, content, msg string) string {
	f.t.Helper()
	bare := f.srv.BareDir(repo)
	key, ok := upstreamKey(bare, f.seed, file, content, msg)
	if !ok {
		sha := gittest.Commit(f.t, f.seed, file, content, msg)
		gittest.Push(f.t, f.seed)
		return sha
	}
	dir := gittest.CachedTree(f.t, "conformance upstream "+key, func(t testing.TB, dir string) {
		copyRepo(t, bare, filepath.Join(dir, "bare.git"), "", "")
		seed := filepath.Join(dir, "seed")
		copyRepo(t, f.seed, seed, bare, filepath.Join(dir, "bare.git"))
		gittest.Commit(t, seed, file, content, msg)
		gittest.Push(t, seed)
	})
	// The copy's origin names dir/bare.git; the server serves bare.
	if err := os.RemoveAll(bare); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "bare.git"), bare); err != nil {
		f.t.Fatal(err)
	}
	f.seed = filepath.Join(dir, "seed")
	retarget(f.t, f.seed, filepath.Join(dir, "bare.git"), bare)
	return gittest.Head(f.t, f.seed)
}

// upstreamKey names the state a commit starts from: the arguments, the
// seed's HEAD, refs, index and configuration, and the bare repository's
// refs and configuration (paths of the bare repository written as one
// word, as they differ between copies). Objects are named by the refs.
// ok is false when a file could not be read: then git runs as usual.
func upstreamKey(bare, seed string, args ...string) (key string, ok bool) {
	h := sha256.New()
	for _, a := range args {
		h.Write([]byte(a + "\x00"))
	}
	add := func(root string, rels ...string) bool {
		for _, rel := range rels {
			err := filepath.WalkDir(filepath.Join(root, rel), func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					return nil
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				r, _ := filepath.Rel(root, p)
				h.Write([]byte(r + "\x00"))
				h.Write(bytes.ReplaceAll(data, []byte(bare), []byte("BARE")))
				h.Write([]byte{0})
				return nil
			})
			if err != nil && !(rel == "packed-refs" && os.IsNotExist(err)) {
				return false
			}
		}
		return true
	}
	if !add(bare, "HEAD", "config", "refs", "packed-refs") ||
		!add(filepath.Join(seed, ".git"), "HEAD", "config", "index", "refs", "packed-refs") {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// copyRepo copies src to dst (a new directory); when from is not "", it
// replaces from by to in dst's .git/config (the seed's origin).
func copyRepo(t testing.TB, src, dst, from, to string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	if from != "" {
		retarget(t, dst, from, to)
	}
}

// retarget replaces the path from by to in seed's .git/config.
func retarget(t testing.TB, seed, from, to string) {
	t.Helper()
	cfg := filepath.Join(seed, ".git", "config")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), from) {
		t.Fatalf("%s does not name %s", cfg, from)
	}
	if err := os.WriteFile(cfg, bytes.ReplaceAll(data, []byte(from), []byte(to)), 0o644); err != nil {
		t.Fatal(err)
	}
}
