package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// ignored proves "nothing is lost" for ignored and excluded files: git
// switch and git merge treat them as expendable and overwrite them where
// the target tracks a path, but they are local work (nothing git could
// restore from the remote). Checkout, its dry run and a fast-forward pull
// refuse instead, naming the files and saying what to do.
func (s *suite) ignored(t *testing.T) {
	cases := []struct {
		name   string
		track  []string          // files the other commit adds
		local  map[string]string // ignored files in the work tree
		listed []string          // the paths the refusal must name
	}{
		{"ignored file the target tracks", []string{"notes.log", "d/x.log"},
			map[string]string{"notes.log": "precious\n", "d/x.log": "precious too\n"}, []string{"notes.log", "d/x.log"}},
		{"ignored directory where the target tracks a file", []string{"cache"},
			map[string]string{"cache/a.log": "precious\n", "cache/sub/b.log": "precious\n"}, []string{"cache/a.log", "cache/sub/b.log"}},
		{"ignored file where the target needs a directory", []string{"build.log/x.txt"},
			map[string]string{"build.log": "precious\n"}, []string{"build.log"}},
	}
	for _, tc := range cases {
		for _, op := range []string{"checkout dry run", "checkout", "pull"} {
			t.Run(op+"/"+tc.name, func(t *testing.T) {
				var f *fixture
				if op == "pull" {
					f = s.newFixture(t)
					for _, p := range tc.track {
						f.upstreamCommit(p, "tracked\n", "track "+p)
					}
				} else {
					// Both checkout cases start from this clone: built once.
					f = s.newPrepared(t, "ignored/"+tc.name, func(t testing.TB, dir string) {
						gittest.Git(t, dir, "switch", "-q", "-c", "topic")
						for _, p := range tc.track {
							gittest.Commit(t, dir, p, "tracked\n", "track "+p)
						}
						gittest.Git(t, dir, "switch", "-q", "main")
					})
				}
				dir := f.work
				gittest.WriteFile(t, dir, ".git/info/exclude", "*.log\ncache/\n")
				names := make([]string, 0, len(tc.local))
				for p, content := range tc.local {
					gittest.WriteFile(t, dir, p, content)
					names = append(names, p)
				}
				before := takeSnapshot(t, dir, names...)
				var err error
				switch op {
				case "pull":
					_, err = f.b.Pull(ctx(t), dir, git.PullOptions{Auth: f.auth})
				default:
					err = f.b.Checkout(ctx(t), dir, git.CheckoutOptions{Branch: "topic", DryRun: op == "checkout dry run"})
				}
				wantErr(t, op, err, git.ErrLocalChanges)
				before.unchanged(t, dir)
				wantIgnoredNamed(t, err, tc.listed)
			})
		}
	}
}

// wantIgnoredNamed fails unless err names every path, says they are
// ignored files, and says how to proceed.
func wantIgnoredNamed(t *testing.T, err error, paths []string) {
	t.Helper()
	var ge *git.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %T is no *git.Error", err)
	}
	msg := err.Error()
	for _, p := range paths {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not name %s", msg, p)
		}
	}
	if want := git.IgnoredBlockedDetail(paths); ge.Detail != want {
		t.Errorf("detail %q, want %q", ge.Detail, want)
	}
}
