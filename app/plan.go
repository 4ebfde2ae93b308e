package app

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// workspacePlan discovers the repositories under dir and makes one job of
// op per repository. paths maps each repository ID to the path shown to the
// user: dir as given joined with the relative path, so it works from the
// user's working directory.
func (c *Factory) workspacePlan(ctx context.Context, dir string, op engine.Op) (jobs []engine.Job, paths map[string]string, err error) {
	if err := checkDir(dir); err != nil {
		return nil, nil, err
	}
	dopt, err := c.disc.options(c.getenv)
	if err != nil {
		return nil, nil, err
	}
	repos, err := c.discoverRepos(ctx, dir, dir, dopt)
	if err != nil {
		return nil, nil, err
	}
	paths = make(map[string]string, len(repos))
	for _, r := range repos {
		host := ""
		if origin, err := workspace.OriginURL(r.Path); err == nil {
			if rem, err := workspace.ParseRemote(origin); err == nil {
				host = rem.Host
			}
		}
		jobs = append(jobs, engine.Job{
			Repo: engine.Repo{ID: r.Rel, Path: r.Path, Host: host, Kind: string(r.Kind)},
			Op:   op,
		})
		paths[r.Rel] = filepath.Join(dir, filepath.FromSlash(r.Rel))
		if r.Enclosing {
			// DIR is inside this work tree: show where it really is.
			paths[r.Rel] = r.Path
		}
	}
	return jobs, paths, nil
}

// dirArg is DIR, the first argument, else ".".
func dirArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

// checkDir fails with a usage error unless dir is a directory.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return usagef("Give a directory, or omit DIR for the current one.", "%s is not a directory", dir)
	case errors.Is(err, fs.ErrNotExist):
		return usagef("Give an existing directory, or omit DIR for the current one.", "%s: no such directory", dir)
	default:
		return usagef("Check the path and its permissions.", "%s: %v", dir, err)
	}
}

// cloneRoot checks clone's destination root: an existing directory is fine,
// a missing one is created (but not by a dry run, which changes nothing),
// anything else is a usage error.
func cloneRoot(dir string, dryRun bool) error {
	_, err := os.Stat(dir)
	if !errors.Is(err, fs.ErrNotExist) {
		return checkDir(dir)
	}
	if dryRun {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("Choose a directory you can write to.", "create %s: %v", dir, err)
	}
	return nil
}

// readURLFile reads a --from file: one URL per line, blank lines and lines
// starting with # ignored, surrounding space trimmed.
func readURLFile(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("Give --from a readable file with one git URL per line.", "--from: %v", err)
	}
	defer f.Close()
	var urls []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		urls = append(urls, s)
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("Give --from a readable text file with one git URL per line.", "--from %s: %v", name, err)
	}
	if len(urls) == 0 {
		return nil, usagef("Put one git URL per line in the file.", "--from %s: no URLs", name)
	}
	return urls, nil
}

// clonePlan turns URLs into clone jobs under root, each at the destination
// the layout gives. Identical URLs are cloned once; two different URLs that
// would land in the same directory are a usage error.
func clonePlan(root string, urls []string, layout workspace.Layout) (jobs []engine.Job, paths map[string]string, err error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, nil, usagef("", "%s: %v", root, err)
	}
	paths = make(map[string]string, len(urls))
	byDest := make(map[string]string, len(urls))
	for _, raw := range urls {
		if err := rejectURLSecret(raw); err != nil {
			return nil, nil, err
		}
		dest, host, err := workspace.Destination(absRoot, raw, layout)
		if err != nil {
			return nil, nil, usagef("Give an https://, ssh://, user@host:path or file:// URL whose path stays inside DIR.", "%s", err)
		}
		if prev, ok := byDest[dest]; ok {
			if prev == raw {
				continue
			}
			hint := ""
			if layout == workspace.LayoutFlat {
				hint = "Use --layout host to keep them apart."
			}
			return nil, nil, usagef(hint, "%s and %s would both be cloned into %s",
				redact.URL(prev), redact.URL(raw), dest)
		}
		byDest[dest] = raw
		rel, err := filepath.Rel(absRoot, dest)
		if err != nil {
			return nil, nil, usagef("", "destination %s: %v", dest, err)
		}
		id := filepath.ToSlash(rel)
		jobs = append(jobs, engine.Job{
			Repo: engine.Repo{ID: id, Path: dest, URL: raw, Host: host},
			Op:   engine.OpClone,
		})
		paths[id] = filepath.Join(root, rel)
	}
	return jobs, paths, nil
}

// rejectURLSecret refuses URLs carrying a password: git would store it in
// .git/config, and mgit never puts a credential there.
func rejectURLSecret(raw string) error {
	if !strings.Contains(raw, "://") {
		return nil
	}
	var user string
	hasPassword := false
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			user = u.User.Username()
			_, hasPassword = u.User.Password()
		}
	} else {
		// Unparsable (a bad port, say): look at the userinfo as text, so a
		// password in a broken URL is refused too, not passed on.
		_, rest, _ := strings.Cut(raw, "://")
		authority, _, _ := strings.Cut(rest, "/")
		if i := strings.LastIndexByte(authority, '@'); i >= 0 {
			user, _, hasPassword = strings.Cut(authority[:i], ":")
		}
	}
	// A token works as a user name too (GitHub accepts it): refuse one that
	// has a token's shape.
	if hasPassword || (user != "" && safetext.Sanitize(user) != user) {
		return usagef("Remove the credentials from the URL and set MGIT_TOKEN instead.",
			"%s: URL contains a password or token", redact.URL(raw))
	}
	return nil
}

// parseUpdateMode validates --update-mode.
func parseUpdateMode(s string) (engine.UpdateMode, error) {
	switch m := engine.UpdateMode(s); m {
	case engine.UpdateSkip, engine.UpdatePull, engine.UpdateForce:
		return m, nil
	}
	return "", usagef("Use --update-mode skip, pull or force.", "unknown update mode %q", s)
}

// parseLayout validates --layout.
func parseLayout(s string) (workspace.Layout, error) {
	switch l := workspace.Layout(s); l {
	case workspace.LayoutHost, workspace.LayoutFlat:
		return l, nil
	}
	return "", usagef("Use --layout host or --layout flat.", "unknown layout %q", s)
}

// queryDir is the DIR of status, fetch and pull: the argument, else the
// configured workspace when a query is given, else ".".
func (c *Factory) queryDir(args []string, query string) string {
	if len(args) > 0 {
		return args[0]
	}
	if query != "" {
		if w := c.conf.cfg.WorkspaceDir(c.getenv); w != "" {
			return w
		}
	}
	return "."
}

// narrow keeps the jobs whose repository matches query (all when query is
// empty): by its origin URL's path, or by its path under dir with or
// without the leading host directory (see queryLocalHelp).
func narrow(jobs []engine.Job, dir, query string) ([]engine.Job, error) {
	if query == "" {
		return jobs, nil
	}
	q, err := provider.ParseQuery(query)
	if err != nil {
		return nil, usagef("A query is org, org/repo or org/project/repo, with * ? [...] globs, e.g. 'acme/*-api'.", "--query: %s", err)
	}
	out := jobs[:0:0]
	for _, j := range jobs {
		var candidates [][]string
		if origin, err := workspace.OriginURL(j.Repo.Path); err == nil {
			if rem, err := workspace.ParseRemote(origin); err == nil && rem.Path != "" {
				segs := strings.Split(rem.Path, "/")
				candidates = append(candidates, dropGit(segs))
			}
		}
		var local []provider.Repo
		id := j.Repo.ID
		if id == "." {
			// DIR is the repository itself (a work tree DIR is inside):
			// its path is its own directory's name, as in the flat
			// layout's <DIR>/<repo>.
			id = filepath.Base(j.Repo.Path)
		}
		if id != "." && id != string(filepath.Separator) {
			rel := strings.Split(id, "/")
			candidates = append(candidates, rel)
			if len(rel) > 2 {
				candidates = append(candidates, rel[1:])
			}
			if len(rel) == 1 {
				// The flat layout's <DIR>/<repo>: a one-segment query is
				// matched against the path as written, so `--query app`
				// finds DIR/app (a one-segment query otherwise names an
				// org, and the path has none).
				local = append(local, provider.Repo{Org: rel[0], Name: rel[0]})
			}
		}
		for _, segs := range candidates {
			local = append(local, repoFromSegments(segs))
		}
		for _, r := range local {
			if q.Match(r) {
				out = append(out, j)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, usagef("Check the query, and that DIR holds clones (see 'mgit status --all "+dir+"').",
			"--query %s: no repository under %s matches", query, dir)
	}
	return out, nil
}

// dropGit removes Azure DevOps' "_git" path segment.
func dropGit(segs []string) []string {
	out := segs[:0:0]
	for _, s := range segs {
		if s != "_git" {
			out = append(out, s)
		}
	}
	return out
}

// repoFromSegments reads org/…/repo as a provider.Repo for matching: the
// first segment is the org, the last the name, those between the project.
func repoFromSegments(segs []string) provider.Repo {
	switch len(segs) {
	case 0:
		return provider.Repo{}
	case 1:
		return provider.Repo{Name: segs[0]}
	}
	return provider.Repo{Org: segs[0], Project: strings.Join(segs[1:len(segs)-1], "/"), Name: segs[len(segs)-1]}
}

// queryClonePlan lays listed repositories out under root by their
// provider slugs. The same repository listed twice (two providers on one
// host) is cloned once; two different ones landing in one directory are a
// usage error.
func queryClonePlan(root string, repos []provider.Repo, layout workspace.Layout) (jobs []engine.Job, paths map[string]string, err error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, nil, usagef("", "%s: %v", root, err)
	}
	paths = make(map[string]string, len(repos))
	byDest := make(map[string]provider.Repo, len(repos))
	for _, r := range repos {
		if r.CloneURL == "" {
			continue // nothing to clone over HTTPS (e.g. a disabled repository)
		}
		if err := rejectURLSecret(r.CloneURL); err != nil {
			return nil, nil, err
		}
		dest, err := providerDest(absRoot, r, layout)
		if err != nil {
			return nil, nil, usagef("The provider returned a name that cannot be a directory under DIR; exclude it with --exclude.",
				"%s/%s: %s", r.Provider, safetext.Sanitize(r.FullName), err)
		}
		if prev, ok := byDest[dest]; ok {
			if workspace.SameRemote(prev.CloneURL, r.CloneURL) {
				continue
			}
			hint := "Use --provider to pick one, or --exclude one of them."
			if layout == workspace.LayoutFlat {
				hint = "Use --layout host to keep them apart."
			}
			return nil, nil, usagef(hint, "%s/%s and %s/%s would both be cloned into %s",
				prev.Provider, prev.FullName, r.Provider, r.FullName, dest)
		}
		byDest[dest] = r
		rel, err := filepath.Rel(absRoot, dest)
		if err != nil {
			return nil, nil, usagef("", "destination %s: %v", dest, err)
		}
		id := filepath.ToSlash(rel)
		jobs = append(jobs, engine.Job{
			// Provider picks the account's token when two accounts share a host.
			Repo: engine.Repo{ID: id, Path: dest, URL: r.CloneURL, Host: r.Host, Provider: r.Provider, Size: r.Size},
			Op:   engine.OpClone,
		})
		paths[id] = filepath.Join(root, rel)
	}
	return jobs, paths, nil
}

// providerDest is where a listed repository lands under root: the
// provider's slugs, <root>/<host>/<org>/[<project>|<subgroups>/]<repo>, or
// <root>/<repo> with the flat layout. clone QUERY and the dashboard's
// not-cloned rows share it, so a clone from either lands in one place.
func providerDest(root string, r provider.Repo, layout workspace.Layout) (string, error) {
	if layout == workspace.LayoutFlat {
		return workspace.ProviderDestination(root, "", r.Name)
	}
	segs := []string{r.Org}
	if r.Project != "" {
		segs = append(segs, strings.Split(r.Project, "/")...)
	}
	return workspace.ProviderDestination(root, r.Host, append(segs, r.Name)...)
}
