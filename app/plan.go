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
	"github.com/mgit-dev/mgit/engine/workspace"
)

// workspacePlan discovers the repositories under dir and makes one job of
// op per repository. paths maps each repository ID to the path shown to the
// user: dir as given joined with the relative path, so it works from the
// user's working directory.
func (c *cli) workspacePlan(ctx context.Context, dir string, op engine.Op) (jobs []engine.Job, paths map[string]string, err error) {
	if err := checkDir(dir); err != nil {
		return nil, nil, err
	}
	repos, err := workspace.Discover(ctx, dir, workspace.Options{})
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, nil, interrupted(nil)
	}
	if err != nil {
		if len(repos) == 0 {
			return nil, nil, usagef("Check that DIR exists and is readable.", "%s", err)
		}
		// Unreadable subdirectories: report them, work on what was found.
		c.log.Warn().Err(err).Str("dir", dir).Msg("some directories could not be searched")
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
			Repo: engine.Repo{ID: r.Rel, Path: r.Path, Host: host},
			Op:   op,
		})
		paths[r.Rel] = filepath.Join(dir, filepath.FromSlash(r.Rel))
	}
	return jobs, paths, nil
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
				workspace.RedactURL(prev), workspace.RedactURL(raw), dest)
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
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return nil
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		return usagef("Remove the credentials from the URL and set MGIT_TOKEN instead.",
			"%s: URL contains a password or token", workspace.RedactURL(raw))
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
