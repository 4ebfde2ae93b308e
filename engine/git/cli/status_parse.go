package cli

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
)

// statusArgs is the argv of the one git process behind Status. Porcelain v2 with -z is
// the stable, machine-readable format: branch headers, stash count and one
// NUL-terminated record per path, with no quoting of file names.
func statusArgs() []string {
	return []string{"status", "--porcelain=v2", "--branch", "--show-stash", "-z", "--untracked-files=normal"}
}

// parseStatus reads the output of statusArgs. It returns the status without
// Head and the object ID of HEAD ("" when the branch has no commits yet), so
// the caller can read the commit itself.
func parseStatus(out []byte) (git.Status, string, error) {
	var (
		st git.Status
		h  statusHeader
	)
	recs := bytes.Split(out, []byte{0})
	for i := 0; i < len(recs); i++ {
		rec := string(recs[i])
		if rec == "" {
			continue
		}
		switch rec[0] {
		case '#':
			if err := h.read(&st, rec); err != nil {
				return git.Status{}, "", err
			}
		case '1', '2':
			xy, err := field(rec, 1)
			if err != nil {
				return git.Status{}, "", err
			}
			countXY(&st, xy)
			if rec[0] == '2' {
				// A rename or copy is followed by its original path as a
				// record of its own.
				i++
			}
		case 'u':
			if _, err := field(rec, 1); err != nil {
				return git.Status{}, "", err
			}
			st.Conflicts++
		case '?':
			st.Untracked++
		case '!':
			// Ignored files are not requested; tolerate them anyway.
		default:
			return git.Status{}, "", fmt.Errorf("parse status: unexpected record %q", humanize.Truncate(rec, 40))
		}
	}
	if !h.sawOID {
		return git.Status{}, "", fmt.Errorf("parse status: no branch header in git's output")
	}
	if h.upstream != "" {
		st.Upstream = h.upstream
		// git omits branch.ab when the configured upstream ref does not
		// exist: the branch was deleted upstream and pruned locally.
		st.UpstreamGone = !h.sawAB
	}
	return st, h.oid, nil
}

// statusHeader is what the "# " header records of porcelain v2 said
// besides the fields they set on the status.
type statusHeader struct {
	oid, upstream string
	sawAB, sawOID bool
}

// read applies one header record to st.
func (h *statusHeader) read(st *git.Status, rec string) error {
	key, val, _ := strings.Cut(strings.TrimPrefix(rec, "# "), " ")
	switch key {
	case "branch.oid":
		h.sawOID = true
		if val == "(initial)" {
			st.NoCommits = true
		} else {
			h.oid = val
		}
	case "branch.head":
		if val == "(detached)" {
			st.Detached = true
		} else {
			st.Branch = val
		}
	case "branch.upstream":
		h.upstream = val
	case "branch.ab":
		a, b, err := parseAB(val)
		if err != nil {
			return err
		}
		st.Ahead, st.Behind, h.sawAB = a, b, true
	case "stash":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return fmt.Errorf("parse status: bad stash count %q", val)
		}
		st.Stash = n
	}
	return nil
}

// field returns the XY field (index 1) of a changed-entry record, checking
// that it has the two-character shape "XY".
func field(rec string, n int) (string, error) {
	parts := strings.SplitN(rec, " ", n+2)
	if len(parts) < n+2 || len(parts[n]) != 2 {
		return "", fmt.Errorf("parse status: bad entry %q", humanize.Truncate(rec, 40))
	}
	return parts[n], nil
}

// countXY counts one ordinary or renamed entry: X is the index against HEAD,
// Y the work tree against the index; '.' means unchanged.
func countXY(st *git.Status, xy string) {
	if xy[0] != '.' {
		st.Staged++
	}
	if xy[1] != '.' {
		st.Unstaged++
	}
}

// parseAB reads "+<ahead> -<behind>".
func parseAB(val string) (int, int, error) {
	a, b, ok := strings.Cut(val, " ")
	if !ok || !strings.HasPrefix(a, "+") || !strings.HasPrefix(b, "-") {
		return 0, 0, fmt.Errorf("parse status: bad branch.ab %q", val)
	}
	ahead, err1 := strconv.Atoi(a[1:])
	behind, err2 := strconv.Atoi(b[1:])
	if err1 != nil || err2 != nil || ahead < 0 || behind < 0 {
		return 0, 0, fmt.Errorf("parse status: bad branch.ab %q", val)
	}
	return ahead, behind, nil
}
