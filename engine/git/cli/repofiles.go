package cli

import (
	"errors"
	"strings"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// This file adapts gitobj, the one reader of git's files, to the few facts
// Fetch and Pull need before and after running git: where the git
// directory is, what HEAD is, the values of refs, and configuration. Each
// of those used to cost a `git rev-parse` process. Any doubt (reftable,
// includes, symbolic refs, unusual layouts, [extensions]) is reported as
// errDoubt and the caller asks git.

// errDoubt means "ask git": the in-process reader is not sure.
var errDoubt = gitobj.ErrNeedGit

// repoDirs locates a work tree's repository (see gitobj.Repo).
type repoDirs = gitobj.Repo

// findRepo resolves dir's repository as git does; a reftable repository,
// whose refs are not in files, is a doubt.
func findRepo(dir string) (repoDirs, error) {
	r, err := gitobj.Open(dir)
	if err != nil {
		return repoDirs{}, doubt(err)
	}
	if _, err := gitobj.RefsUnder(r.CommonDir, "refs/heads/"); err != nil {
		return repoDirs{}, doubt(err)
	}
	return r, nil
}

// doubt makes err an errDoubt, keeping its text.
func doubt(err error) error {
	if err == nil || errors.Is(err, errDoubt) {
		return err
	}
	return &doubtError{err}
}

type doubtError struct{ err error }

func (e *doubtError) Error() string        { return e.err.Error() }
func (e *doubtError) Unwrap() []error      { return []error{e.err, errDoubt} }
func (e *doubtError) Is(target error) bool { return target == errDoubt }

// readHead returns the branch HEAD points at (without refs/heads/) and its
// commit, "" for an unborn branch; or, for a detached HEAD, branch "" and
// the commit.
func readHead(r repoDirs) (branch, sha string, err error) {
	h, err := gitobj.ReadHead(r)
	if err != nil {
		return "", "", doubt(err)
	}
	return h.Branch, h.SHA, nil
}

// readRef returns the commit a ref under refs/heads/ or refs/remotes/
// names; found is false when the ref does not exist.
func readRef(r repoDirs, ref string) (sha string, found bool, err error) {
	if !strings.HasPrefix(ref, "refs/heads/") && !strings.HasPrefix(ref, "refs/remotes/") {
		return "", false, errDoubt
	}
	sha, found, err = gitobj.ResolveRef(r, ref)
	if err != nil {
		return "", false, doubt(err)
	}
	return sha, found, nil
}

// configView is git's configuration as one process would see it, from
// gitobj.LoadConfig.
type configView struct {
	c *gitobj.Config
}

// loadConfig reads the configuration git would read for the repository r,
// with env the environment git will run with. [extensions] in any file is
// a doubt (reftable, other object formats).
func loadConfig(r repoDirs, env []string) (configView, error) {
	c, err := gitobj.LoadConfig(r, env)
	if err != nil {
		return configView{}, doubt(err)
	}
	if c.HasSection("extensions") {
		return configView{}, errDoubt
	}
	return configView{c: c}, nil
}

func configKey(section, subsection, key string) string {
	if subsection == "" {
		return section + "." + key
	}
	return section + "." + subsection + "." + key
}

// all returns every value of section.[subsection.]key, in the order git
// reads them.
func (v configView) all(section, subsection, key string) []string {
	return v.c.GetAll(configKey(section, subsection, key))
}

// last returns the value git uses for a single-valued key.
func (v configView) last(section, subsection, key string) (string, bool) {
	return v.c.Get(configKey(section, subsection, key))
}

// hasSection reports whether any file has the section (or any of its
// subsections).
func (v configView) hasSection(section string) bool { return v.c.HasSection(section) }

// upstreamRef returns the remote-tracking ref of branch's upstream
// (refs/remotes/<remote>/<name>) when it is configured the ordinary way:
// branch.<b>.remote names a remote whose only fetch refspec is the default
// +refs/heads/*:refs/remotes/<remote>/*, and branch.<b>.merge is one ref
// under refs/heads/. Everything else, no upstream included, is errDoubt:
// git words those errors itself.
func (v configView) upstreamRef(branch string) (string, error) {
	remote, _ := v.last("branch", branch, "remote")
	merge := v.all("branch", branch, "merge")
	if remote == "" || remote == "." || strings.ContainsAny(remote, "/:") || len(merge) != 1 {
		return "", errDoubt
	}
	name, ok := strings.CutPrefix(merge[0], "refs/heads/")
	if !ok || name == "" {
		return "", errDoubt
	}
	if url, _ := v.last("remote", remote, "url"); url == "" {
		return "", errDoubt // git would look for legacy .git/remotes files
	}
	specs := v.all("remote", remote, "fetch")
	if len(specs) != 1 || specs[0] != "+refs/heads/*:refs/remotes/"+remote+"/*" {
		return "", errDoubt
	}
	return "refs/remotes/" + remote + "/" + name, nil
}

// gitInt reads an integer the way git_config_int64 does.
func gitInt(v string) (int64, bool) { return gitobj.ParseInt(v) }
