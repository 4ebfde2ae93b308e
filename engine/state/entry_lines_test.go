package state

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
)

// TestLinesRoundTrip: every field reads back as it was saved, strings
// that look like the format's separators or quotes included, and times
// keep their zone as encoding/json kept it.
func TestLinesRoundTrip(t *testing.T) {
	dir, root := t.TempDir(), filepath.Join(t.TempDir(), "tab\there")
	s := Open(dir, zerolog.Nop())
	zone := time.FixedZone("", 2*3600)
	odd := []string{"a\tb", "line\nbreak", `"quoted"`, `back\slash`, "cr\r", "\xff\xfe not utf-8", ""}
	in := map[string]Entry{}
	for i, v := range odd {
		in[v+"id"] = Entry{Path: "/w/" + v, Kind: v,
			Checked: time.Date(2026, 1, 2, 3, 4, 5, 6, zone),
			Status: &git.Status{Branch: v, Detached: i%2 == 0, NoCommits: i%3 == 0, Upstream: v + "u",
				UpstreamGone: i%2 == 1, Ahead: i, Behind: 2 * i, AheadBehindCapped: i == 1, Staged: -1,
				Unstaged: 4, Untracked: 5, Conflicts: 6, Stash: 7,
				Head: git.Commit{SHA: v + "sha", Subject: v, Author: v, Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
			Last: &OpResult{Op: v, Outcome: "failed", Detail: v, Error: v, Cause: v, Hint: v,
				Duration: time.Duration(i) * time.Second, Finished: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Attempts: i}}
	}
	in["bare"] = Entry{Path: "/w/bare", Kind: "submodule"}
	in["last only"] = Entry{Last: &OpResult{Op: "clone", Outcome: "ok"}}
	if err := s.Save(root, in); err != nil {
		t.Fatal(err)
	}
	if got := s.Load(root); !reflect.DeepEqual(got, in) {
		t.Fatalf("round trip:\ngot  %+v\nwant %+v", got, in)
	}
}

// A version 2 file that does not parse, or of a later version, is
// discarded like a corrupt JSON one.
func TestLinesCorruptDiscarded(t *testing.T) {
	root := "/ws"
	for name, body := range map[string]string{
		"short line":   "mgit-state\t2\t/ws\t\nid\t/p\n",
		"bad count":    "mgit-state\t2\t/ws\t\nid\t/p\trepo\t\ts\tx\t0\t0\t0\t0\t0\t0\t0\tb\tu\tsha\t\tsub\tau\n",
		"bad time":     "mgit-state\t2\t/ws\t\nid\t/p\trepo\tyesterday\t-\n",
		"bad quote":    "mgit-state\t2\t/ws\t\n\"id\t/p\trepo\t\t-\n",
		"bad marker":   "mgit-state\t2\t/ws\t\nid\t/p\trepo\t\t?\n",
		"later format": "mgit-state\t3\t/ws\t\nanything\n",
		"bad header":   "mgit-state\n",
	} {
		t.Run(name, func(t *testing.T) {
			s := Open(t.TempDir(), zerolog.Nop())
			_, p := s.path(root)
			if err := writeAtomic(p, []byte(body)); err != nil {
				t.Fatal(err)
			}
			if got := s.Load(root); len(got) != 0 {
				t.Fatalf("loaded %+v", got)
			}
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Fatalf("file kept: %v", err)
			}
		})
	}
	s := Open(t.TempDir(), zerolog.Nop())
	_, p := s.path(root)
	good := "mgit-state\t2\t/ws\t\nid\t/p\trepo\t\t-\n"
	if err := writeAtomic(p, []byte(good)); err != nil {
		t.Fatal(err)
	}
	if got := s.Load(root); !reflect.DeepEqual(got, map[string]Entry{"id": {Path: "/p", Kind: "repo"}}) {
		t.Fatalf("well-formed file: %+v", got)
	}
}

// Decoding allocates per file, not per line: one string for all the
// lines and one block each for their statuses and results (before, three
// allocations a line: 30,000 at 10,000 repositories). A file whose last
// line has no newline decodes too, its entry in the blocks.
func TestDecodeAllocatesPerFile(t *testing.T) {
	in := make(map[string]Entry, 1000)
	for i := range 1000 {
		in[fmt.Sprintf("org/repo-%04d", i)] = Entry{Path: fmt.Sprintf("/w/org/repo-%04d", i), Kind: "repo",
			Checked: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
			Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: i % 3,
				Head: git.Commit{SHA: "0123456789abcdef0123456789abcdef01234567", Subject: "s", Author: "a",
					Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
			Last: &OpResult{Op: "status", Outcome: "ok", Finished: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Attempts: 1}}
	}
	data := bytes.TrimSuffix(encodeLines("/w", time.Now().UTC(), in), []byte("\n"))
	allocs := testing.AllocsPerRun(5, func() {
		if _, _, out, err := decode(data); err != nil || len(out) != len(in) {
			t.Fatalf("decoded %d entries, %v", len(out), err)
		}
	})
	// The map's buckets, the string, the two blocks, the header.
	if allocs > 60 {
		t.Fatalf("decoding 1,000 lines made %.0f allocations; want a few per file", allocs)
	}
	_, _, out, err := decode(data)
	if err != nil || !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip without the last newline: %v", err)
	}
}
