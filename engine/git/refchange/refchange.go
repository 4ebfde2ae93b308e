package refchange

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// maxWalk bounds the commits one count reads; a larger arrival is reported
// as moved but not counted (git.RefChanges.Uncounted).
const maxWalk = 10000

// Snapshot is the state of the refs a fetch or pull can move, at one
// moment.
type Snapshot struct {
	repo gitobj.Repo
	// Head is what HEAD says (branch and commit; SHA "" when unborn).
	Head gitobj.Head
	// Remotes counts the configured remotes (remote.<name>.url set).
	Remotes int
	// UpstreamConfigured is true when the current branch names an
	// upstream (branch.<b>.merge).
	UpstreamConfigured bool
	// Upstream is the ref holding the current branch's upstream
	// ("refs/remotes/origin/main"; a local branch for remote "."); "" when
	// none is configured or it is not mapped by an ordinary refspec.
	Upstream string
	refs     map[string]string // refs/remotes/… and refs/tags/… → id
}

// Take reads the snapshot of the work tree at dir. env is the environment
// git runs with (it decides which global configuration applies).
func Take(dir string, env []string) (*Snapshot, error) {
	r, err := gitobj.Open(dir)
	if err != nil {
		return nil, err
	}
	head, err := gitobj.ReadHead(r)
	if err != nil {
		return nil, err
	}
	cfg, err := gitobj.LoadConfig(r, env)
	if err != nil {
		return nil, err
	}
	refs, err := gitobj.RefsUnder(r.CommonDir, "refs/remotes/", "refs/tags/")
	if err != nil {
		return nil, err
	}
	s := &Snapshot{repo: r, Head: head, refs: refs}
	for _, name := range cfg.Names() {
		if strings.HasPrefix(name, "remote.") && strings.HasSuffix(name, ".url") {
			if v, _ := cfg.Get(name); v != "" {
				s.Remotes++
			}
		}
	}
	if !head.Detached && head.Branch != "" {
		merge := cfg.GetAll("branch." + head.Branch + ".merge")
		s.UpstreamConfigured = len(merge) > 0
		remote, _ := cfg.Get("branch." + head.Branch + ".remote")
		if len(merge) == 1 {
			s.Upstream = trackingRef(cfg, remote, merge[0])
		}
	}
	return s, nil
}

// trackingRef maps merge (a ref on remote) to the ref that holds it here
// through the remote's fetch refspecs, as git's branch_get_upstream does
// for the ordinary cases; "" when no refspec maps it.
func trackingRef(cfg *gitobj.Config, remote, merge string) string {
	if remote == "." {
		return merge
	}
	if remote == "" || strings.ContainsAny(remote, "/:") {
		return ""
	}
	for _, spec := range cfg.GetAll("remote." + remote + ".fetch") {
		src, dst, ok := strings.Cut(strings.TrimPrefix(spec, "+"), ":")
		if !ok || strings.HasPrefix(spec, "^") {
			continue
		}
		if sp, dp, glob := strings.Cut(src, "*"); glob {
			dpre, dsuf, _ := strings.Cut(dst, "*")
			if strings.HasPrefix(merge, sp) && strings.HasSuffix(merge, dp) && len(merge) >= len(sp)+len(dp) {
				return dpre + merge[len(sp):len(merge)-len(dp)] + dsuf
			}
			continue
		}
		if src == merge {
			return dst
		}
	}
	return ""
}

// upstreamSHA is the commit the upstream ref held ("" when absent).
func (s *Snapshot) upstreamSHA() string {
	if s.Upstream == "" {
		return ""
	}
	if sha, ok := s.refs[s.Upstream]; ok {
		return sha
	}
	sha, found, err := gitobj.ResolveRef(s.repo, s.Upstream)
	if err != nil || !found {
		return ""
	}
	return sha
}

// Fetch is what a fetch moved between before and after: the commits new on
// the current branch's upstream, and the other refs.
func Fetch(before, after *Snapshot) git.RefChanges {
	c := git.RefChanges{Branch: after.Head.Branch}
	up := after.Upstream
	if before.Upstream != up {
		up = ""
	}
	if up != "" {
		old, cur := before.upstreamSHA(), after.upstreamSHA()
		if old == "" {
			// The upstream arrived: what is new is what HEAD lacks.
			old = before.Head.SHA
		}
		if cur != "" && old != cur {
			count(&c, after.repo, old, cur)
		}
	}
	diffRefs(&c, before.refs, after.refs, up)
	return c
}

// Pull is what a pull moved: the commits the current branch moved forward
// by, and the refs its fetch moved (the upstream is part of the former).
func Pull(before, after *Snapshot) git.RefChanges {
	c := git.RefChanges{Branch: after.Head.Branch}
	if old, cur := before.Head.SHA, after.Head.SHA; cur != "" && old != cur {
		count(&c, after.repo, old, cur)
	}
	up := after.Upstream
	if before.Upstream != up {
		up = ""
	}
	diffRefs(&c, before.refs, after.refs, up)
	return c
}

// count fills Incoming (and Forced) with the commits reachable from cur
// and not from old; a walk that cannot finish leaves them Uncounted.
func count(c *git.RefChanges, r gitobj.Repo, old, cur string) {
	if old == "" {
		c.Uncounted = true
		return
	}
	objects := filepath.Join(r.CommonDir, "objects")
	for _, p := range []string{"shallow", "info/grafts"} {
		if _, err := os.Lstat(filepath.Join(r.CommonDir, p)); err == nil {
			// A shallow boundary or grafts change what git walks.
			c.Uncounted = true
			return
		}
	}
	load := func(sha string) ([]string, int64, error) {
		raw, err := gitobj.ReadCommit(objects, sha)
		if err != nil {
			return nil, 0, err
		}
		return gitobj.ParseCommitLinks(raw)
	}
	ab, err := gitobj.CountAheadBehind(load, nil, cur, old, maxWalk)
	if err != nil || ab.Capped {
		c.Uncounted = true
		return
	}
	c.Incoming, c.Forced = ab.Ahead, ab.Behind > 0
	if c.Incoming == 0 && !c.Forced {
		c.Uncounted = true // moved, yet no commit counted: say so rather than "unchanged"
	}
}

// diffRefs sorts the refs of before and after into new, updated and pruned
// branches and tags. skip (the upstream counted as Incoming) is left out.
func diffRefs(c *git.RefChanges, before, after map[string]string, skip string) {
	for name, sha := range after {
		if name == skip {
			continue
		}
		old, had := before[name]
		switch {
		case !had:
			addRef(c, name, &c.NewBranches, &c.NewTags)
		case old != sha:
			addRef(c, name, &c.UpdatedBranches, &c.UpdatedTags)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok && name != skip && strings.HasPrefix(name, "refs/remotes/") {
			c.PrunedBranches = append(c.PrunedBranches, strings.TrimPrefix(name, "refs/remotes/"))
		}
	}
	for _, l := range [][]string{c.NewBranches, c.UpdatedBranches, c.PrunedBranches, c.NewTags, c.UpdatedTags} {
		sort.Strings(l)
	}
}

func addRef(c *git.RefChanges, name string, branches, tags *[]string) {
	if b, ok := strings.CutPrefix(name, "refs/remotes/"); ok {
		*branches = append(*branches, b)
	} else if t, ok := strings.CutPrefix(name, "refs/tags/"); ok {
		*tags = append(*tags, t)
	}
}
