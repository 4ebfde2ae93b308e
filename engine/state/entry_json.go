package state

import (
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// Version 1 of the cache was JSON, which mgit still reads (see decode):
// first with every field of a status, zeros included, later without its
// zero fields. The field names are those encoding/json gave git.Status
// (the Go names), so both shapes decode the same way. Version 2 replaced
// it with lines (entry_lines.go) because decoding it through reflection
// stood between mgit and its first frame.

// statusJSON is git.Status as version 1 wrote it.
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

// commitJSON is git.Commit as version 1 wrote it.
type commitJSON struct {
	SHA     string    `json:"SHA,omitempty"`
	Subject string    `json:"Subject,omitempty"`
	Author  string    `json:"Author,omitempty"`
	Time    time.Time `json:"Time,omitzero"`
}

// entryJSON is Entry as version 1 wrote it.
type entryJSON struct {
	Path    string      `json:"path,omitempty"`
	Kind    string      `json:"kind,omitempty"`
	Status  *statusJSON `json:"status,omitempty"`
	Checked time.Time   `json:"checked,omitzero"`
	Last    *OpResult   `json:"last,omitempty"`
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
