package state

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
)

func TestDefaultDir(t *testing.T) {
	env := map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}
	get := func(k string) string { return env[k] }
	if d, err := DefaultDir(get); err != nil || d != "/x/cache/mgit" {
		t.Fatalf("DefaultDir = %q, %v", d, err)
	}
	env["XDG_CACHE_HOME"] = "relative" // the spec says ignore relative values
	if d, err := DefaultDir(get); err != nil || d != "/home/u/.cache/mgit" {
		t.Fatalf("DefaultDir = %q, %v", d, err)
	}
	delete(env, "HOME")
	if _, err := DefaultDir(get); err == nil {
		t.Fatal("DefaultDir without HOME: want error")
	}
}

func TestStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	s := Open(dir, zerolog.Nop())
	root := t.TempDir()
	if got := s.Load(root); len(got) != 0 {
		t.Fatalf("empty cache: got %v", got)
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in := map[string]Entry{
		"github.com/org/a": {
			Status:  &git.Status{Branch: "main", Upstream: "origin/main", Behind: 2, Unstaged: 1, Head: git.Commit{SHA: "abc", Subject: "fix", Time: when}},
			Checked: when,
			Last:    &OpResult{Op: "pull", Outcome: "failed", Error: "pull: authentication required", Cause: "authentication required", Hint: "set MGIT_TOKEN", Duration: time.Second, Finished: when},
		},
		"b": {},
	}
	if err := s.Save(root, in); err != nil {
		t.Fatal(err)
	}
	// "." and the absolute path are one workspace.
	t.Chdir(root)
	out := s.Load(".")
	a := out["github.com/org/a"]
	if a.Status == nil || a.Status.Behind != 2 || !a.Status.Head.Time.Equal(when) || a.Last == nil || a.Last.Hint != "set MGIT_TOKEN" {
		t.Fatalf("round trip lost data: %+v", a)
	}
	if _, ok := out["b"]; !ok || len(out) != 2 {
		t.Fatalf("entries = %v", out)
	}

	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir mode = %v, %v", fi.Mode(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "workspaces", "*"))
	if len(files) != 1 {
		t.Fatalf("want exactly one file (no temporaries left), got %v", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode = %v, %v", fi.Mode(), err)
	}
}

func TestStoreDiscardsBadFiles(t *testing.T) {
	cases := map[string]string{
		"corrupt": `{"version":1,"root":`,
		"version": `{"version":99,"root":"%s","repos":{"a":{}}}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			s := Open(t.TempDir(), zerolog.New(&logs))
			root := t.TempDir()
			if err := s.Save(root, map[string]Entry{"a": {}}); err != nil {
				t.Fatal(err)
			}
			_, p := s.path(root)
			content = strings.Replace(content, "%s", root, 1)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if got := s.Load(root); len(got) != 0 {
				t.Fatalf("bad cache loaded: %v", got)
			}
			if !strings.Contains(logs.String(), `"level":"warn"`) {
				t.Fatalf("no warning logged: %s", logs.String())
			}
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Fatalf("bad cache file not removed: %v", err)
			}
			// A fresh save works again.
			if err := s.Save(root, map[string]Entry{"b": {}}); err != nil {
				t.Fatal(err)
			}
			if got := s.Load(root); len(got) != 1 {
				t.Fatalf("after resave: %v", got)
			}
		})
	}
}

func TestStoreSaveFailureIsAnError(t *testing.T) {
	parent := t.TempDir()
	blocker := filepath.Join(parent, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := Open(filepath.Join(blocker, "cache"), zerolog.Nop())
	if err := s.Save(t.TempDir(), map[string]Entry{}); err == nil {
		t.Fatal("save under a file: want error")
	}
}
