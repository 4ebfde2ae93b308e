package gogit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

func TestProgressWriter(t *testing.T) {
	var got []git.Progress
	w := newProgress(func(p git.Progress) { got = append(got, p) })
	stream := "Enumerating objects: 5, done.\n" +
		"Counting objects:  20% (1/5)\rCounting objects: 100% (5/5), done.\n" +
		"Receiving objects:  45% (45/100), 1.20 MiB | 3.00 MiB/s\r" +
		"Total 5 (delta 0), reused 0 (delta 0), pack-reused 0\n" +
		"remote: Compressing objects:  50% (1/2)\r"
	// Split mid-line: the writer must join writes.
	for _, part := range []string{stream[:17], stream[17:60], stream[60:]} {
		if _, err := w.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	want := []git.Progress{
		{Phase: "Enumerating objects", Current: 5},
		{Phase: "Counting objects", Current: 1, Total: 5},
		{Phase: "Counting objects", Current: 5, Total: 5},
		{Phase: "Receiving objects", Current: 45, Total: 100},
		{Phase: "Compressing objects", Current: 1, Total: 2},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if newProgress(nil) != nil {
		t.Error("nil callback must give a nil writer")
	}
}

func httpErr(code int) error {
	u, _ := url.Parse("https://user:hunter2@example.com/r.git/info/refs")
	return plumbing.NewUnexpectedError(&githttp.Err{Response: &http.Response{StatusCode: code, Request: &http.Request{URL: u}}})
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want error
	}{
		{fmt.Errorf("x: %w", transport.ErrAuthenticationRequired), git.ErrAuth},
		{transport.ErrAuthorizationFailed, git.ErrAuth},
		{transport.ErrRepositoryNotFound, git.ErrRepoNotFound},
		{gogit.ErrNonFastForwardUpdate, git.ErrNotFastForward},
		{gogit.ErrRepositoryNotExists, git.ErrNotRepository},
		{httpErr(500), git.ErrNetwork},
		{httpErr(503), git.ErrNetwork},
		{httpErr(429), git.ErrNetwork},
		{httpErr(400), nil},
		{io.ErrUnexpectedEOF, git.ErrNetwork},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), git.ErrNetwork},
		{&url.Error{Op: "Get", URL: "x", Err: syscall.ECONNREFUSED}, git.ErrNetwork},
		{errors.New("unpack: EOF"), git.ErrNetwork},
		{gogit.ErrUnknownExtension, git.ErrUnsupported},
		{context.Canceled, nil},
		{errors.New("lstat x: not a directory"), nil},
	}
	for _, c := range cases {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestOpErrorRedactsAndWrapsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := opError(ctx, "fetch", "/r", fmt.Errorf("get https://u:tok3n@h/x: %w", errors.New("boom tok3n")), "tok3n")
	if strings.Contains(err.Error(), "tok3n") {
		t.Errorf("secret in %q", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v does not wrap context.Canceled", err)
	}
	if e := httpErr(502); strings.Contains(opError(context.Background(), "clone", "/d", e, "").Error(), "hunter2") {
		t.Error("password from URL in error")
	}
}

func TestSafePath(t *testing.T) {
	for p, want := range map[string]bool{
		"a/b.txt": true, ".gitignore": true, "a/.github/x": true,
		"../x": false, "a/../../x": false, ".git/config": false, "a/.GIT/hooks": false, "/etc/passwd": false, "a//b": false,
	} {
		if safePath(p) != want {
			t.Errorf("safePath(%q) = %v", p, !want)
		}
	}
}

func TestUntrackedKey(t *testing.T) {
	tracked := map[string]bool{"src": true, "src/pkg": true}
	for p, want := range map[string]string{
		"new.txt":           "new.txt",
		"src/new.go":        "src/new.go",
		"src/pkg/x/y.go":    "src/pkg/x/",
		"docs/a/b.md":       "docs/",
		"src/other/deep.go": "src/other/",
	} {
		if got := untrackedKey(p, tracked); got != want {
			t.Errorf("untrackedKey(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestAheadBehindBound(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "base", "0", "base")
	gittest.Git(t, dir, "branch", "up")
	for i := range 6 {
		gittest.Commit(t, dir, "local", fmt.Sprint(i), "local")
	}
	gittest.Git(t, dir, "checkout", "-q", "up")
	for i := range 4 {
		gittest.Commit(t, dir, "up", fmt.Sprint(i), "up")
	}
	r, err := gogit.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	local := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "main"))
	up := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "up"))
	a, b, complete, err := aheadBehind(context.Background(), r.Storer, nil, local, up, statusWalkLimit)
	if err != nil || a != 6 || b != 4 || !complete {
		t.Errorf("aheadBehind = %d, %d, %v, %v; want 6, 4, complete", a, b, complete, err)
	}
	if _, _, complete, err := aheadBehind(context.Background(), r.Storer, nil, local, up, 3); err != nil || complete {
		t.Errorf("bounded walk: complete=%v err=%v, want incomplete", complete, err)
	}
	ok, err := isAncestor(context.Background(), r.Storer, local, up)
	if err != nil || ok {
		t.Errorf("isAncestor(main, up) = %v, %v", ok, err)
	}
}
