package cli_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// BenchmarkCloneWithToken is an authenticated clone of a small repository
// over smart HTTP: with a token the checkout runs as a second git process
// (hooks must not see the token), which this measures.
func BenchmarkCloneWithToken(b *testing.B) {
	gittest.Isolate(b)
	srv := gittest.NewServer(b, gittest.ServerOptions{Token: "bench-token"})
	seed := srv.CreateRepo(b, "team/app")
	for i := range 50 {
		gittest.Commit(b, seed, "f"+strconv.Itoa(i)+".txt", "x\n", "c")
	}
	gittest.Push(b, seed)
	be := cli.New()
	auth := git.Credentials{Username: "x", Password: "bench-token"}
	root := b.TempDir()
	n := 0
	for b.Loop() {
		n++
		if err := be.Clone(context.Background(), srv.URL("team/app"), filepath.Join(root, strconv.Itoa(n)), git.CloneOptions{Auth: auth}); err != nil {
			b.Fatal(err)
		}
	}
}
