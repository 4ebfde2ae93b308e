package state

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// Version 2 of the cache is one line per repository, its fields in a fixed
// order separated by tabs: at 10,000 repositories decoding the JSON form
// through reflection was ~40% of the CPU the dashboard spent before its
// first frame, and splitting lines is several times cheaper. A field
// holding a tab, a newline, a backslash or a leading quote is written as a
// Go quoted string, so a line is always one line. Times keep the RFC 3339
// form encoding/json gave them, so an entry reads back exactly as before.

// linesMagic starts every version 2 file; a JSON file starts with '{'.
const linesMagic = "mgit-state\t"

// errCorrupt is a version 2 file that does not parse.
var errCorrupt = errors.New("malformed line")

// Fields of a repository's line: the entry, then its status (present
// when the field after Checked is "s"), then its last result (present
// when the field after the status is "l").
const (
	fieldsEntry  = 5  // id, path, kind, checked, status marker
	fieldsStatus = 14 // flags, seven counts, branch, upstream, sha, time, subject, author
	fieldsLast   = 10 // marker, op, outcome, detail, error, cause, hint, duration, finished, attempts
)

// Status flags, one bit each.
const (
	flagDetached = 1 << iota
	flagNoCommits
	flagUpstreamGone
	flagCapped
)

// encodeLines is the version 2 form of a workspace's entries.
func encodeLines(root string, saved time.Time, repos map[string]Entry) []byte {
	b := make([]byte, 0, 64+len(repos)*192)
	b = append(b, linesMagic...)
	b = strconv.AppendInt(b, Version, 10)
	b = appendField(b, root)
	b = appendTime(append(b, '\t'), saved)
	b = append(b, '\n')
	for id, e := range repos {
		b = appendEntry(appendValue(b, id), e)
		b = append(b, '\n')
	}
	return b
}

func appendEntry(b []byte, e Entry) []byte {
	b = appendField(b, e.Path)
	b = appendField(b, e.Kind)
	b = appendTime(append(b, '\t'), e.Checked)
	if s := e.Status; s != nil {
		b = append(b, "\ts"...)
		b = appendStatus(b, s)
	} else {
		b = append(b, "\t-"...)
	}
	if l := e.Last; l != nil {
		b = append(b, "\tl"...)
		b = appendLast(b, l)
	}
	return b
}

func appendStatus(b []byte, s *git.Status) []byte {
	flags := 0
	if s.Detached {
		flags |= flagDetached
	}
	if s.NoCommits {
		flags |= flagNoCommits
	}
	if s.UpstreamGone {
		flags |= flagUpstreamGone
	}
	if s.AheadBehindCapped {
		flags |= flagCapped
	}
	for _, n := range [...]int{flags, s.Ahead, s.Behind, s.Staged, s.Unstaged, s.Untracked, s.Conflicts, s.Stash} {
		b = strconv.AppendInt(append(b, '\t'), int64(n), 10)
	}
	b = appendField(b, s.Branch)
	b = appendField(b, s.Upstream)
	b = appendField(b, s.Head.SHA)
	b = appendTime(append(b, '\t'), s.Head.Time)
	b = appendField(b, s.Head.Subject)
	return appendField(b, s.Head.Author)
}

func appendLast(b []byte, l *OpResult) []byte {
	for _, s := range [...]string{l.Op, l.Outcome, l.Detail, l.Error, l.Cause, l.Hint} {
		b = appendField(b, s)
	}
	b = strconv.AppendInt(append(b, '\t'), int64(l.Duration), 10)
	b = appendTime(append(b, '\t'), l.Finished)
	return strconv.AppendInt(append(b, '\t'), int64(l.Attempts), 10)
}

// appendField appends a tab and s.
func appendField(b []byte, s string) []byte { return appendValue(append(b, '\t'), s) }

// appendValue appends s, quoted when it could be mistaken for a field or
// line boundary or for a quoted value.
func appendValue(b []byte, s string) []byte {
	if strings.ContainsAny(s, "\t\n\r\\") || strings.HasPrefix(s, `"`) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// appendTime appends t as encoding/json writes it, nothing for the zero
// time.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return t.AppendFormat(b, time.RFC3339Nano)
}

// decodeLines reads a version 2 file: the root it was saved for and its
// entries. A version other than this one is reported through version.
func decodeLines(data []byte) (root string, version int, out map[string]Entry, err error) {
	head, rest, _ := bytes.Cut(data, []byte{'\n'})
	h := strings.Split(string(head), "\t")
	if len(h) != 4 || h[0]+"\t" != linesMagic {
		return "", 0, nil, errCorrupt
	}
	if version, err = strconv.Atoi(h[1]); err != nil {
		return "", 0, nil, errCorrupt
	}
	if version != Version {
		return "", version, nil, nil
	}
	if root, err = value(h[2]); err != nil {
		return "", version, nil, err
	}
	lines := bytes.Count(rest, []byte{'\n'}) + 1
	out = make(map[string]Entry, lines)
	d := newDecoder(lines)
	// One string for every line, not one a line: 10,000 allocations
	// fewer. It costs no memory kept: a row keeps its ID and path, which
	// are in its line, for as long as the dashboard runs.
	text := string(rest)
	var f []string
	for n := 2; len(text) > 0; n++ {
		var line string
		line, text = text, ""
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line, text = line[:i], line[i+1:]
		}
		f = splitTabs(f[:0], line)
		id, e, err := d.entry(f)
		if err != nil {
			return "", version, nil, fmt.Errorf("line %d: %w", n, err)
		}
		out[id] = e
	}
	return root, version, out, nil
}

// splitTabs appends line's tab-separated fields to f. strings.IndexByte,
// not strings.Cut: at 10,000 lines of 30 fields Cut's general search
// took twice as long, and splitting was a third of the decoding.
func splitTabs(f []string, line string) []string {
	for {
		i := strings.IndexByte(line, '\t')
		if i < 0 {
			return append(f, line)
		}
		f = append(f, line[:i])
		line = line[i+1:]
	}
}

// decoder reads the fields of lines, keeping the first error of a line.
// The statuses and results of a file are allocated together, two
// allocations rather than two a line: they live and die together (a
// dashboard's first refresh replaces them all).
type decoder struct {
	err      error
	statuses []git.Status
	results  []OpResult
}

func newDecoder(lines int) *decoder {
	return &decoder{statuses: make([]git.Status, 0, lines), results: make([]OpResult, 0, lines)}
}

// newStatus is a status in the decoder's block (or alone, the block full).
func (d *decoder) newStatus() *git.Status {
	if len(d.statuses) == cap(d.statuses) {
		return new(git.Status)
	}
	d.statuses = d.statuses[:len(d.statuses)+1]
	return &d.statuses[len(d.statuses)-1]
}

// newResult is a result in the decoder's block (or alone, the block full).
func (d *decoder) newResult() *OpResult {
	if len(d.results) == cap(d.results) {
		return new(OpResult)
	}
	d.results = d.results[:len(d.results)+1]
	return &d.results[len(d.results)-1]
}

func (d *decoder) str(s string) string {
	v, err := value(s)
	if err != nil && d.err == nil {
		d.err = err
	}
	return v
}

func (d *decoder) num(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil && d.err == nil {
		d.err = errCorrupt
	}
	return n
}

func (d *decoder) time(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil && d.err == nil {
		d.err = err
	}
	return t
}

// entry is one line's repository ID and entry.
func (d *decoder) entry(f []string) (string, Entry, error) {
	if len(f) < fieldsEntry {
		return "", Entry{}, errCorrupt
	}
	d.err = nil
	id := d.str(f[0])
	e := Entry{Path: d.str(f[1]), Kind: d.str(f[2]), Checked: d.time(f[3])}
	rest := f[fieldsEntry:]
	switch f[4] {
	case "s":
		if len(rest) < fieldsStatus {
			return "", Entry{}, errCorrupt
		}
		e.Status = d.status(rest[:fieldsStatus])
		rest = rest[fieldsStatus:]
	case "-":
	default:
		return "", Entry{}, errCorrupt
	}
	switch {
	case len(rest) == fieldsLast && rest[0] == "l":
		e.Last = d.last(rest[1:])
	case len(rest) != 0:
		return "", Entry{}, errCorrupt
	}
	return id, e, d.err
}

func (d *decoder) status(f []string) *git.Status {
	flags := d.num(f[0])
	st := d.newStatus()
	*st = git.Status{
		Detached: flags&flagDetached != 0, NoCommits: flags&flagNoCommits != 0,
		UpstreamGone: flags&flagUpstreamGone != 0, AheadBehindCapped: flags&flagCapped != 0,
		Ahead: d.num(f[1]), Behind: d.num(f[2]), Staged: d.num(f[3]), Unstaged: d.num(f[4]),
		Untracked: d.num(f[5]), Conflicts: d.num(f[6]), Stash: d.num(f[7]),
		Branch: d.str(f[8]), Upstream: d.str(f[9]),
		Head: git.Commit{SHA: d.str(f[10]), Time: d.time(f[11]), Subject: d.str(f[12]), Author: d.str(f[13])},
	}
	return st
}

func (d *decoder) last(f []string) *OpResult {
	l := d.newResult()
	*l = OpResult{
		Op: d.str(f[0]), Outcome: d.str(f[1]), Detail: d.str(f[2]), Error: d.str(f[3]),
		Cause: d.str(f[4]), Hint: d.str(f[5]), Duration: time.Duration(d.num(f[6])),
		Finished: d.time(f[7]), Attempts: d.num(f[8]),
	}
	return l
}

// value is a field as appendValue wrote it.
func value(s string) (string, error) {
	if !strings.HasPrefix(s, `"`) {
		return s, nil
	}
	v, err := strconv.Unquote(s)
	if err != nil {
		return "", errCorrupt
	}
	return v, nil
}
