package state

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
)

// TestLoadOldFormat reads a cache in the shape mgit wrote before the
// compact form: every field of the status, zeros included, and no path.
func TestLoadOldFormat(t *testing.T) {
	dir, root := t.TempDir(), t.TempDir()
	s := Open(dir, zerolog.Nop())
	_, p := s.path(root)
	old := fmt.Sprintf(`{"version":1,"root":%q,"saved":"2026-01-02T03:04:05Z","repos":{"a/b":{"status":{`+
		`"Branch":"main","Detached":false,"NoCommits":false,"Upstream":"origin/main","UpstreamGone":false,`+
		`"Ahead":0,"Behind":2,"AheadBehindCapped":false,"Staged":0,"Unstaged":1,"Untracked":0,"Conflicts":0,"Stash":0,`+
		`"Head":{"SHA":"abc","Subject":"s","Author":"Ada","Time":"2026-01-01T00:00:00Z"}},`+
		`"checked":"2026-01-02T03:04:05Z","last":{"op":"pull","outcome":"ok","duration":5,"finished":"2026-01-02T03:04:05Z"}}}}`, root)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	got := s.Load(root)["a/b"]
	want := Entry{
		Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: 2, Unstaged: 1,
			Head: git.Commit{SHA: "abc", Subject: "s", Author: "Ada", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
		Checked: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Last:    &OpResult{Op: "pull", Outcome: "ok", Duration: 5, Finished: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("old cache: got %+v %+v, want %+v %+v", got, got.Status, want, want.Status)
	}
}

// TestCompactRoundTrip: the compact form leaves zeros out and reads back
// every field, the place of the repository included.
func TestCompactRoundTrip(t *testing.T) {
	dir, root := t.TempDir(), t.TempDir()
	s := Open(dir, zerolog.Nop())
	full := git.Status{Branch: "b", Detached: true, NoCommits: true, Upstream: "u", UpstreamGone: true,
		Ahead: 1, Behind: 2, AheadBehindCapped: true, Staged: 3, Unstaged: 4, Untracked: 5, Conflicts: 6, Stash: 7,
		Head: git.Commit{SHA: "x", Subject: "y", Author: "z", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	in := map[string]Entry{
		"full": {Path: "/w/full", Kind: "repo", Status: &full, Checked: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		"zero": {Path: "/w/zero", Kind: "worktree", Status: &git.Status{}},
		"bare": {Path: "/w/bare", Kind: "submodule"},
	}
	if err := s.Save(root, in); err != nil {
		t.Fatal(err)
	}
	if got := s.Load(root); !reflect.DeepEqual(got, in) {
		t.Fatalf("round trip: got %+v, want %+v", got, in)
	}
	_, p := s.path(root)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, zero := range []string{`"Ahead":0`, `"Detached":false`, `"Time":"0001`} {
		if strings.Contains(string(data), zero) {
			t.Errorf("cache keeps a zero field %s: %s", zero, data)
		}
	}
}

// BenchmarkLoad10000 decodes the cache of 10,000 repositories; it reports
// the file's size.
func BenchmarkLoad10000(b *testing.B) {
	dir, root := b.TempDir(), "/ws"
	s := Open(dir, zerolog.Nop())
	in := make(map[string]Entry, 10000)
	for i := range 10000 {
		id := fmt.Sprintf("github.com/org%02d/repo-%05d", i%20, i)
		in[id] = Entry{Path: filepath.Join(root, id), Kind: "repo", Checked: time.Now(),
			Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: i % 3, Unstaged: i % 5,
				Head: git.Commit{SHA: "0123456789abcdef0123456789abcdef01234567", Subject: fmt.Sprintf("commit %d", i),
					Author: "Ada", Time: time.Now()}}}
	}
	if err := s.Save(root, in); err != nil {
		b.Fatal(err)
	}
	_, p := s.path(root)
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := processCPU(b)
	for b.Loop() {
		if got := s.Load(root); len(got) != 10000 {
			b.Fatalf("loaded %d", len(got))
		}
	}
	b.ReportMetric(float64(fi.Size()), "file-bytes")
	b.ReportMetric(float64((processCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkLoad10000Old decodes the cache of 10,000 repositories in the
// shape older versions wrote (every zero field, no path), for comparison.
func BenchmarkLoad10000Old(b *testing.B) {
	dir, root := b.TempDir(), "/ws"
	s := Open(dir, zerolog.Nop())
	type oldEntry struct {
		Status  *git.Status `json:"status,omitempty"`
		Checked time.Time   `json:"checked,omitzero"`
	}
	in := make(map[string]oldEntry, 10000)
	for i := range 10000 {
		id := fmt.Sprintf("github.com/org%02d/repo-%05d", i%20, i)
		in[id] = oldEntry{Checked: time.Now(),
			Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: i % 3, Unstaged: i % 5,
				Head: git.Commit{SHA: "0123456789abcdef0123456789abcdef01234567", Subject: fmt.Sprintf("commit %d", i),
					Author: "Ada", Time: time.Now()}}}
	}
	_, p := s.path(root)
	data, err := json.Marshal(map[string]any{"version": versionJSON, "root": root, "saved": time.Now(), "repos": in})
	if err != nil {
		b.Fatal(err)
	}
	if err := writeAtomic(p, data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := processCPU(b)
	for b.Loop() {
		if got := s.Load(root); len(got) != 10000 {
			b.Fatalf("loaded %d", len(got))
		}
	}
	b.ReportMetric(float64(len(data)), "file-bytes")
	b.ReportMetric(float64((processCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU is the process's CPU time: on a loaded machine the wall time
// per operation says more about the other processes than about this one.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
