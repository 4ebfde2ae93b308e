package state

import (
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// The cache writes a status without its zero fields: at 10,000
// repositories the full form was ~5 MB, most of it zeros and false, and
// decoding it stood between mgit and its first frame. The field names are
// those encoding/json gave git.Status before (the Go names), so a file
// written by an older mgit, zeros and all, decodes the same way and the
// format Version did not change.

// statusJSON is git.Status as the cache writes it.
type statusJSON struct {
	Branch            string     `json:"Branch,omitempty"`
	Detached          bool       `json:"Detached,omitempty"`
	NoCommits         bool       `json:"NoCommits,omitempty"`
	Upstream          string     `json:"Upstream,omitempty"`
	UpstreamGone      bool       `json:"UpstreamGone,omitempty"`
	Ahead             int        `json:"Ahead,omitempty"`
	Behind            int        `json:"Behind,omitempty"`
	AheadBehindCapped bool       `json:"AheadBehindCapped,omitempty"`
	Staged            int        `json:"Staged,omitempty"`
	Unstaged          int        `json:"Unstaged,omitempty"`
	Untracked         int        `json:"Untracked,omitempty"`
	Conflicts         int        `json:"Conflicts,omitempty"`
	Stash             int        `json:"Stash,omitempty"`
	Head              commitJSON `json:"Head,omitzero"`
}

// commitJSON is git.Commit as the cache writes it.
type commitJSON struct {
	SHA     string    `json:"SHA,omitempty"`
	Subject string    `json:"Subject,omitempty"`
	Author  string    `json:"Author,omitempty"`
	Time    time.Time `json:"Time,omitzero"`
}

// entryJSON is Entry as the cache writes it.
type entryJSON struct {
	Path    string      `json:"path,omitempty"`
	Kind    string      `json:"kind,omitempty"`
	Status  *statusJSON `json:"status,omitempty"`
	Checked time.Time   `json:"checked,omitzero"`
	Last    *OpResult   `json:"last,omitempty"`
}

// compact is the entry as the cache writes it.
func (e Entry) compact() entryJSON {
	out := entryJSON{Path: e.Path, Kind: e.Kind, Checked: e.Checked, Last: e.Last}
	if s := e.Status; s != nil {
		out.Status = &statusJSON{
			Branch: s.Branch, Detached: s.Detached, NoCommits: s.NoCommits,
			Upstream: s.Upstream, UpstreamGone: s.UpstreamGone,
			Ahead: s.Ahead, Behind: s.Behind, AheadBehindCapped: s.AheadBehindCapped,
			Staged: s.Staged, Unstaged: s.Unstaged, Untracked: s.Untracked, Conflicts: s.Conflicts,
			Stash: s.Stash,
			Head:  commitJSON{SHA: s.Head.SHA, Subject: s.Head.Subject, Author: s.Head.Author, Time: s.Head.Time},
		}
	}
	return out
}

// entry is what the cache read, in the compact form or the full one
// older versions wrote. (Decoding into entryJSON directly rather than
// through an UnmarshalJSON method spares encoding/json a second pass over
// each entry.)
func (in entryJSON) entry() Entry {
	e := Entry{Path: in.Path, Kind: in.Kind, Checked: in.Checked, Last: in.Last}
	if s := in.Status; s != nil {
		e.Status = &git.Status{
			Branch: s.Branch, Detached: s.Detached, NoCommits: s.NoCommits,
			Upstream: s.Upstream, UpstreamGone: s.UpstreamGone,
			Ahead: s.Ahead, Behind: s.Behind, AheadBehindCapped: s.AheadBehindCapped,
			Staged: s.Staged, Unstaged: s.Unstaged, Untracked: s.Untracked, Conflicts: s.Conflicts,
			Stash: s.Stash,
			Head:  git.Commit{SHA: s.Head.SHA, Subject: s.Head.Subject, Author: s.Head.Author, Time: s.Head.Time},
		}
	}
	return e
}

// fileJSON is the on-disk form of one workspace's entries.
type fileJSON struct {
	Version int                  `json:"version"`
	Root    string               `json:"root"`
	Saved   time.Time            `json:"saved"`
	Repos   map[string]entryJSON `json:"repos"`
}
