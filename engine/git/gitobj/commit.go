package gitobj

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
)

// ParseCommit reads a raw commit object (the output of `git cat-file commit`,
// or an object body read from disk) into the fields Status shows.
//
// Time is the author time: when the change was written, which is what a
// person scanning a table of repositories expects and what `git log` shows by
// default. Subject follows git's %s: the first paragraph of the message with
// its lines joined by spaces.
func ParseCommit(sha string, raw []byte) (git.Commit, error) {
	c := git.Commit{SHA: sha}
	hdr, msg, _ := bytes.Cut(raw, []byte("\n\n"))
	sawAuthor := false
	for line := range bytes.SplitSeq(hdr, []byte{'\n'}) {
		rest, ok := bytes.CutPrefix(line, []byte("author "))
		if !ok {
			continue
		}
		name, when, err := parseIdent(string(rest))
		if err != nil {
			return git.Commit{}, fmt.Errorf("commit %s: %w", sha, err)
		}
		c.Author, c.Time, sawAuthor = name, when, true
		break
	}
	if !sawAuthor {
		return git.Commit{}, fmt.Errorf("commit %s: no author line", sha)
	}
	c.Subject = subject(msg)
	if latin1Header(hdr) {
		c.Subject, c.Author = fromLatin1(c.Subject), fromLatin1(c.Author)
	}
	return c, nil
}

// latin1Header reports an "encoding ISO-8859-1" header (or an alias git's
// iconv accepts): git log re-encodes such a message to UTF-8, and so does
// ParseCommit. Other legacy encodings are shown as stored.
func latin1Header(hdr []byte) bool {
	for line := range bytes.SplitSeq(hdr, []byte{'\n'}) {
		if enc, ok := bytes.CutPrefix(line, []byte("encoding ")); ok {
			switch strings.ToLower(string(enc)) {
			case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
				return true
			}
			return false
		}
	}
	return false
}

func fromLatin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// parseIdent splits "Name <email> 1700000000 +0100" as git's
// split_ident_line does: the name ends at the first "<", the date follows
// the last ">" and counts only as digits followed by a "+hhmm"/"-hhmm"
// zone. An ident without a date git accepts shows as the epoch, as in git
// log.
func parseIdent(s string) (string, time.Time, error) {
	start := strings.IndexByte(s, '<')
	end := strings.LastIndexByte(s, '>')
	if start < 0 || end < start {
		return "", time.Time{}, fmt.Errorf("bad ident %q", humanize.Truncate(s, 60))
	}
	name := strings.TrimSpace(s[:start])
	epoch := time.Unix(0, 0).UTC()
	rest := strings.TrimLeft(s[end+1:], " \t\n\v\f\r")
	span := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	if span == 0 {
		return name, epoch, nil
	}
	sec, err := strconv.ParseInt(rest[:span], 10, 64)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("bad ident time %q", rest[:span])
	}
	tz := strings.TrimLeft(rest[span:], " \t\n\v\f\r")
	if len(tz) < 2 || (tz[0] != '+' && tz[0] != '-') || tz[1] < '0' || tz[1] > '9' {
		return name, epoch, nil
	}
	return name, time.Unix(sec, 0).In(parseTZ(strings.Fields(tz)[0])), nil
}

// parseTZ reads git's "+hhmm"/"-hhmm" offset; anything else is UTC.
func parseTZ(tz string) *time.Location {
	if len(tz) != 5 || (tz[0] != '+' && tz[0] != '-') {
		return time.UTC
	}
	hh, err1 := strconv.Atoi(tz[1:3])
	mm, err2 := strconv.Atoi(tz[3:5])
	if err1 != nil || err2 != nil {
		return time.UTC
	}
	off := hh*3600 + mm*60
	if tz[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off)
}

// subject mirrors git's %s: skip leading blank lines, then join the lines of
// the first paragraph with single spaces.
// Subject is git's %s of a commit message: the first paragraph, its lines
// joined by spaces. Both backends show it, so they agree.
func Subject(msg string) string { return subject([]byte(msg)) }

func subject(msg []byte) string {
	var parts []string
	for line := range strings.SplitSeq(string(msg), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			if len(parts) > 0 {
				break
			}
			continue
		}
		parts = append(parts, line)
	}
	return strings.Join(parts, " ")
}

// CommitTree returns the tree id recorded in a raw commit object, or "".
func CommitTree(raw []byte) string {
	hdr, _, _ := bytes.Cut(raw, []byte("\n\n"))
	for line := range bytes.SplitSeq(hdr, []byte{'\n'}) {
		if t, ok := bytes.CutPrefix(line, []byte("tree ")); ok {
			return string(t)
		}
	}
	return ""
}
