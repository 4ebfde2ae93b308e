package difftest

import (
	"maps"
	"slices"
	"strings"
)

// Git object modes as fast-import spells them.
const (
	modeFile    = "100644"
	modeExec    = "100755"
	modeLink    = "120000"
	modeGitlink = "160000"
)

// entry is one path of a tree: its mode and content (a symlink's target, a
// gitlink's commit id).
type entry struct {
	mode, data string
}

// tree is a snapshot of paths; every path is a file, symlink or gitlink.
type tree map[string]entry

func (t tree) clone() tree { return maps.Clone(t) }

// sorted returns the paths in a fixed order, so that every draw that
// iterates a tree is reproducible.
func (t tree) sorted() []string { return slices.Sorted(maps.Keys(t)) }

// fits reports whether p can be added to t: it is not already there and
// neither is one of its directories a file nor is p a directory of an
// existing path.
func (t tree) fits(p string) bool {
	if _, ok := t[p]; ok || p == "" {
		return false
	}
	for k := range t {
		if strings.HasPrefix(k, p+"/") || strings.HasPrefix(p, k+"/") {
			return false
		}
	}
	// Nothing may be created inside the submodule or the .git directory.
	return !strings.HasPrefix(p, ".git/") && p != ".git"
}

// regular returns the paths of regular files (executable or not), sorted;
// never .gitmodules, which must stay valid.
func (t tree) regular() []string {
	var ps []string
	for _, p := range t.sorted() {
		if m := t[p].mode; (m == modeFile || m == modeExec) && p != ".gitmodules" {
			ps = append(ps, p)
		}
	}
	return ps
}

// ofMode returns the paths with mode m, sorted.
func (t tree) ofMode(m string) []string {
	var ps []string
	for _, p := range t.sorted() {
		if t[p].mode == m {
			ps = append(ps, p)
		}
	}
	return ps
}
