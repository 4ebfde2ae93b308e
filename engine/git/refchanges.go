package git

import (
	"strconv"
	"strings"

	"github.com/mgit-dev/mgit/engine/humanize"
)

// RefChanges says what a fetch or pull moved in one repository: the commits
// that arrived for the current branch, and the remote-tracking branches and
// tags that appeared, moved or went away. The engine computes it from
// snapshots of the refs taken before and after the operation (see package
// refchange), so both backends report the same thing.
type RefChanges struct {
	// Branch is the current branch ("" when detached or unknown).
	Branch string
	// Incoming counts the commits that arrived for Branch: after a fetch,
	// the commits new on its upstream; after a pull, the commits the
	// branch moved forward by.
	Incoming int
	// Forced is true when the upstream was rewritten (force-pushed): its
	// old commit is not in its new history.
	Forced bool
	// Uncounted is true when Branch moved but the commits could not be
	// counted (a long or unreadable history): Incoming is then zero.
	Uncounted bool
	// NewBranches, UpdatedBranches and PrunedBranches are remote-tracking
	// branches ("origin/feature") that appeared, moved (other than the
	// upstream of Branch) or were deleted; NewTags and UpdatedTags are tag
	// names. Each is sorted.
	NewBranches, UpdatedBranches, PrunedBranches []string
	NewTags, UpdatedTags                         []string
}

// Changed reports whether anything moved.
func (c RefChanges) Changed() bool {
	return c.Incoming > 0 || c.Forced || c.Uncounted || len(c.NewBranches)+len(c.UpdatedBranches)+
		len(c.PrunedBranches)+len(c.NewTags)+len(c.UpdatedTags) > 0
}

// String is the one-line summary both presenters show: "main ↓3, +2
// branches, 1 branch updated, -1 branch, +1 tag", or "unchanged".
func (c RefChanges) String() string {
	if !c.Changed() {
		return "unchanged"
	}
	var parts []string
	branch := c.Branch
	if branch == "" {
		branch = "HEAD"
	}
	switch {
	case c.Incoming > 0 && c.Forced:
		parts = append(parts, branch+" ↓"+strconv.Itoa(c.Incoming)+" (forced)")
	case c.Incoming > 0:
		parts = append(parts, branch+" ↓"+strconv.Itoa(c.Incoming))
	case c.Forced:
		parts = append(parts, branch+" rewritten upstream")
	case c.Uncounted:
		parts = append(parts, branch+" ↓?")
	}
	count := func(sign string, n int, one, many string) {
		if n > 0 {
			parts = append(parts, sign+strconv.Itoa(n)+" "+humanize.Plural(n, one, many))
		}
	}
	count("+", len(c.NewBranches), "branch", "branches")
	if n := len(c.UpdatedBranches); n > 0 {
		parts = append(parts, strconv.Itoa(n)+" "+humanize.Plural(n, "branch", "branches")+" updated")
	}
	count("-", len(c.PrunedBranches), "branch", "branches")
	count("+", len(c.NewTags), "tag", "tags")
	if n := len(c.UpdatedTags); n > 0 {
		parts = append(parts, strconv.Itoa(n)+" "+humanize.Plural(n, "tag", "tags")+" moved")
	}
	return strings.Join(parts, ", ")
}
