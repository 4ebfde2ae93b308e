package repotable

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
)

// A Filler sanitizes every row it fills, a repeated value as much as the
// first time it came: the memo holds what sanitizing made of it, not the
// raw value. A clean entry's status and result are shared with the row,
// not copied; an entry with something to remove is left as it was.
func TestFillerSanitizesEveryRow(t *testing.T) {
	dirty := func() state.Entry {
		return state.Entry{
			Status: &git.Status{Branch: "main\x1b[2J", Upstream: "origin/\u202emain",
				Head: git.Commit{SHA: "abc", Subject: "fix \x1b]0;title\x07it", Author: "Ada\x1b[31m"}},
			Last: &state.OpResult{Op: "pull", Outcome: "failed\x1b[1m", Error: "see https://u:ghp_abcdefghijklmnopqrstuvwxyz0123@h/x",
				Cause: "cause\x07", Hint: "hint\x1b[0m"},
		}
	}
	var f Filler
	for i := range 3 {
		e := dirty()
		r := &Row{}
		f.Fill(r, e)
		st, l := r.Status, r.Last
		if st.Branch != "main" || st.Upstream != "origin/main" || st.Head.Subject != "fix it" || st.Head.Author != "Ada" {
			t.Fatalf("row %d status = %+v", i, st)
		}
		if l.Outcome != "failed" || l.Cause != "cause" || l.Hint != "hint" || l.Error != "see https://u:[REDACTED]@h/x" {
			t.Fatalf("row %d last = %+v", i, l)
		}
		if st == e.Status || l == e.Last || e.Status.Branch != "main\x1b[2J" || e.Last.Hint != "hint\x1b[0m" {
			t.Fatalf("row %d: the entry was changed or shared though it needed sanitizing", i)
		}
	}
	clean := state.Entry{Status: &git.Status{Branch: "main", Head: git.Commit{SHA: "abc", Subject: "s"}},
		Last: &state.OpResult{Op: "status", Outcome: "ok"}}
	r := &Row{}
	f.Fill(r, clean)
	if r.Status != clean.Status || r.Last != clean.Last {
		t.Fatal("a clean entry was copied, not shared")
	}
}

// Filling rows from clean entries allocates nothing: no copy of a status
// or result that sanitizing left as it was (two a row before).
func TestFillerAllocatesNothingForCleanEntries(t *testing.T) {
	e := state.Entry{Status: &git.Status{Branch: "main", Upstream: "origin/main",
		Head: git.Commit{SHA: "0123456789abcdef0123456789abcdef01234567", Subject: "commit", Author: "Ada"}},
		Last: &state.OpResult{Op: "status", Outcome: "ok", Attempts: 1}}
	var f Filler
	r := &Row{}
	f.Fill(r, e) // the memo's first values
	if n := testing.AllocsPerRun(100, func() { f.Fill(r, e) }); n != 0 {
		t.Fatalf("Fill made %.0f allocations for a clean entry", n)
	}
}
