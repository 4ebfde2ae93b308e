package cli

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// benchRepo is a small repository like the ones in the 1,000-repo status
// benchmark: a few files, a few commits, an upstream. packed runs git gc so
// HEAD is read from a pack instead of a loose object.
func benchRepo(b *testing.B, packed bool) string {
	b.Helper()
	gittest.Isolate(b)
	root := b.TempDir()
	seed := filepath.Join(root, "seed")
	gittest.InitRepo(b, seed)
	for i := range 5 {
		gittest.Commit(b, seed, "f"+strconv.Itoa(i)+".txt", "content "+strconv.Itoa(i)+"\n", "commit "+strconv.Itoa(i))
	}
	dir := filepath.Join(root, "work")
	gittest.Clone(b, seed, dir)
	gittest.Commit(b, dir, "local.txt", "l\n", "local commit")
	if packed {
		gittest.Git(b, dir, "gc", "-q")
	}
	return dir
}

// BenchmarkStatus is the whole Status call on a small repository.
func BenchmarkStatus(b *testing.B) {
	dir := benchRepo(b, false)
	be := New()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := be.Status(ctx, dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHeadCommit compares the ways of reading the HEAD commit that
// Status could use; the in-process reader is what Status does.
func BenchmarkHeadCommit(b *testing.B) {
	for _, packed := range []bool{false, true} {
		name := "loose"
		if packed {
			name = "packed"
		}
		dir := benchRepo(b, packed)
		oid := gittest.Head(b, dir)
		b.Run(name+"/in-process", func(b *testing.B) {
			for b.Loop() {
				objects, err := gitobj.ObjectsDir(dir)
				if err != nil {
					b.Fatal(err)
				}
				raw, err := gitobj.ReadCommit(objects, oid)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := gitobj.ParseCommit(oid, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/cat-file", func(b *testing.B) {
			for b.Loop() {
				if err := exec.Command("git", "-C", dir, "cat-file", "commit", oid).Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/log", func(b *testing.B) {
			for b.Loop() {
				if err := exec.Command("git", "-C", dir, "log", "-1", "-z", "--format=%H%x00%s%x00%an%x00%at").Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/status-process-only", func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command("git", append([]string{"-C", dir}, statusArgs()...)...)
				cmd.Env = append(cmd.Environ(), "GIT_OPTIONAL_LOCKS=0")
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
