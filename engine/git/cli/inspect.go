package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
)

// logFormat puts each commit on one line with NUL-separated fields; a
// subject (%s) never holds a newline.
const logFormat = "--format=%H%x00%an%x00%at%x00%s"

// Log runs git log -n. Signatures are not checked (log.showSignature would
// spawn gpg for every commit).
func (b *Backend) Log(ctx context.Context, dir string, n int) ([]git.Commit, error) {
	if n <= 0 {
		return nil, nil
	}
	o := cmdOpts{readOnly: true, ceiling: true, config: [][2]string{{"log.showSignature", "false"}}}
	out, err := b.run(ctx, dir, []string{"log", "-n", strconv.Itoa(n), "--no-color", logFormat}, o)
	if err != nil {
		// A branch without commits has no log: not an error.
		if ctx.Err() == nil && strings.Contains(out.stderr, "does not have any commits yet") {
			return nil, nil
		}
		return nil, failure(ctx, "log", dir, out, err)
	}
	cs, err := parseLog(out.stdout)
	if err != nil {
		return nil, &git.Error{Op: "log", Dir: dir, Err: err}
	}
	return cs, nil
}

func parseLog(out []byte) ([]git.Commit, error) {
	var cs []git.Commit
	for line := range bytes.Lines(out) {
		line = bytes.TrimRight(line, "\n")
		if len(line) == 0 {
			continue
		}
		f := strings.SplitN(string(line), "\x00", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("unexpected git log line %q", humanize.Truncate(string(line), 60))
		}
		sec, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("git log: author time %q: %w", f[2], err)
		}
		cs = append(cs, git.Commit{SHA: f[0], Author: f[1], Time: time.Unix(sec, 0), Subject: f[3]})
	}
	return cs, nil
}

// Changes runs git status in porcelain v2 without branch headers; like
// Status it is read-only (GIT_OPTIONAL_LOCKS=0).
func (b *Backend) Changes(ctx context.Context, dir string) ([]git.FileChange, error) {
	out, err := b.git(ctx, "changes", dir,
		[]string{"status", "--porcelain=v2", "-z", "--untracked-files=normal"},
		cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return nil, err
	}
	fc, err := parseChanges(out.stdout)
	if err != nil {
		return nil, &git.Error{Op: "changes", Dir: dir, Err: err}
	}
	return fc, nil
}

var errShortEntry = errors.New("short porcelain v2 entry")

// parseChanges reads `git status --porcelain=v2 -z` entries:
//
//	1 XY sub mH mI mW hH hI path
//	2 XY sub mH mI mW hH hI Xscore path NUL origPath
//	u XY sub m1 m2 m3 mW h1 h2 h3 path
//	? path
func parseChanges(out []byte) ([]git.FileChange, error) {
	var fcs []git.FileChange
	recs := strings.Split(string(out), "\x00")
	for i := 0; i < len(recs); i++ {
		rec := recs[i]
		if rec == "" {
			continue
		}
		var fields int
		switch rec[0] {
		case '1':
			fields = 9
		case '2':
			fields = 10
			i++ // the original path follows in its own record
		case 'u':
			fields = 11
		case '?':
			fcs = append(fcs, git.FileChange{Path: rec[min(2, len(rec)):], Untracked: true})
			continue
		default:
			continue // '!' ignored entries and anything newer
		}
		f := strings.SplitN(rec, " ", fields)
		if len(f) != fields || len(f[1]) != 2 {
			return nil, fmt.Errorf("%w: %q", errShortEntry, humanize.Truncate(rec, 60))
		}
		fc := git.FileChange{Path: f[fields-1]}
		if rec[0] == 'u' {
			fc.Conflict = true
		} else {
			fc.Staged, fc.Unstaged = f[1][0] != '.', f[1][1] != '.'
		}
		fcs = append(fcs, fc)
	}
	sort.Slice(fcs, func(a, b int) bool { return fcs[a].Path < fcs[b].Path })
	return fcs, nil
}
