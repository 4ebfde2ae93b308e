//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// makeSeed creates a work tree with files spread over directories of 100
// and commits it, so fixtures look like small real projects.
func (b *bench) makeSeed(dir string, files int) error {
	for i := range files {
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i/100), fmt.Sprintf("f%04d.txt", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		body := strings.Repeat(fmt.Sprintf("line %d of file %d\n", i%7, i), 8)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	// Automatic gc would pack objects in the background while the seed is
	// being copied; pack synchronously instead, as real clones are packed.
	return b.sh("", fmt.Sprintf("cd %q && git init -q && git config gc.auto 0 && git add -A && "+
		"git commit -qm 'initial import' && echo more >> d000/f0000.txt && git commit -qam 'second commit' && "+
		"git gc -q && git config --unset gc.auto", dir))
}

// copies clones a template directory n times as <dst>/<prefix>NNNN with cp,
// which is far faster than creating each repository with git.
func (b *bench) copies(src, dst, format string, n int) ([]string, error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf(format, i))
	}
	script := fmt.Sprintf("cd %q && while read -r n; do cp -r %q \"$n\"; done", dst, src)
	return names, b.sh(strings.Join(names, "\n")+"\n", script)
}

// network measures clone, then fetch and pull after new upstream commits.
func (b *bench) network() error {
	c := b.cfg
	seed := filepath.Join(b.work, "seed")
	if err := b.makeSeed(seed, 20); err != nil {
		return err
	}
	srv := filepath.Join(b.work, "srv")
	tmpl := filepath.Join(b.work, "tmpl.git")
	if err := b.sh("", fmt.Sprintf("git clone -q --bare %q %q", seed, tmpl)); err != nil {
		return err
	}
	names, err := b.copies(tmpl, srv, "r%04d.git", c.repos)
	if err != nil {
		return err
	}
	base, stop, err := serve(srv)
	if err != nil {
		return err
	}
	defer stop()
	var urls []string
	for _, n := range names {
		urls = append(urls, base+"/"+n)
	}
	urlFile := filepath.Join(b.work, "urls.txt")
	if err := os.WriteFile(urlFile, []byte(strings.Join(urls, "\n")+"\n"), 0o644); err != nil {
		return err
	}

	// Clone: every run into fresh directories; the last run's clones are
	// kept for fetch and pull.
	loopDir := ""
	mgitDir := map[string]string{}
	var loopM []measured
	mgM := map[string][]measured{}
	for r := range c.runs {
		loopDir = filepath.Join(b.work, fmt.Sprintf("clone-loop-%d", r))
		var pairs []string
		for i, u := range urls {
			pairs = append(pairs, u+" "+filepath.Join(loopDir, strings.TrimSuffix(names[i], ".git")))
		}
		m, err := b.timed(strings.Join(pairs, "\n")+"\n", "bash", "-c", fmt.Sprintf("xargs -P%d -n2 git clone -q", c.parallel))
		if err != nil {
			return err
		}
		loopM = append(loopM, m)
		for _, be := range c.backends {
			dir := filepath.Join(b.work, fmt.Sprintf("clone-%s-%d", be, r))
			m, err := b.mgit(be, "clone", "--from", urlFile, dir)
			if err != nil {
				return err
			}
			mgM[be] = append(mgM[be], m)
			if old := mgitDir[be]; old != "" {
				_ = os.RemoveAll(old)
			}
			mgitDir[be] = dir
		}
		if r < c.runs-1 {
			_ = os.RemoveAll(loopDir)
		}
	}
	if c.only["clone"] {
		b.row(fmt.Sprintf("clone %d repos (smart HTTP)", c.repos), 1.0, loopM, mgM, false)
	}

	// Pushers hold a work tree for each repository that gets new commits.
	push := filepath.Join(b.work, "push")
	var pushers []string
	for _, n := range names[:c.changed] {
		pushers = append(pushers, filepath.Join(push, strings.TrimSuffix(n, ".git"))+" "+filepath.Join(srv, n))
	}
	if err := b.sh(strings.Join(pushers, "\n")+"\n", "while read -r d u; do git clone -q \"$u\" \"$d\"; done"); err != nil {
		return err
	}
	newCommits := func(round string) error {
		return b.sh(strings.Join(pushers, "\n")+"\n", fmt.Sprintf(
			"while read -r d u; do echo %q >> \"$d/d000/f0001.txt\"; git -C \"$d\" commit -qam %q; git -C \"$d\" push -q; done", round, round))
	}
	loopRepos, err := filepath.Glob(filepath.Join(loopDir, "*"))
	if err != nil {
		return err
	}
	for _, w := range []struct{ name, loopArgs, mgitCmd string }{
		{"fetch", "-C {} fetch -q", "fetch"},
		{"pull", "-C {} pull -q --ff-only", "pull"},
	} {
		if !c.only[w.name] {
			continue
		}
		var loopM []measured
		mgM := map[string][]measured{}
		for r := range c.runs {
			if err := newCommits(fmt.Sprintf("%s round %d", w.name, r)); err != nil {
				return err
			}
			m, err := b.loop(loopRepos, w.loopArgs)
			if err != nil {
				return err
			}
			loopM = append(loopM, m)
			for _, be := range c.backends {
				m, err := b.mgit(be, w.mgitCmd, mgitDir[be])
				if err != nil {
					return err
				}
				mgM[be] = append(mgM[be], m)
			}
		}
		b.row(fmt.Sprintf("%s %d repos, %d changed", w.name, c.repos, c.changed), 1.0, loopM, mgM, false)
	}
	return nil
}

// status measures `git status` over n copies of a repository of the given
// number of files.
func (b *bench) status(name, key string, n, files int, target float64, showRSS bool) error {
	seed := filepath.Join(b.work, key+"-seed")
	if err := b.makeSeed(seed, files); err != nil {
		return err
	}
	dir := filepath.Join(b.work, key)
	names, err := b.copies(seed, dir, "r%04d", n)
	if err != nil {
		return err
	}
	var repos []string
	for _, n := range names {
		repos = append(repos, filepath.Join(dir, n))
	}
	// cp gives every file a new inode and ctime, so the first status of each
	// copy rehashes everything; one untimed pass of each side refreshes the
	// indexes so the timed runs measure the steady state people live in.
	if _, err := b.loop(repos, "-C {} status --porcelain"); err != nil {
		return err
	}
	for _, be := range b.cfg.backends {
		if _, err := b.mgit(be, "status", "--all", dir); err != nil {
			return err
		}
	}
	var loopM []measured
	mgM := map[string][]measured{}
	for range b.cfg.runs {
		m, err := b.loop(repos, "-C {} status --porcelain --branch")
		if err != nil {
			return err
		}
		loopM = append(loopM, m)
		for _, be := range b.cfg.backends {
			m, err := b.mgit(be, "status", "--all", dir)
			if err != nil {
				return err
			}
			mgM[be] = append(mgM[be], m)
		}
	}
	b.row(name, target, loopM, mgM, showRSS)
	return os.RemoveAll(dir)
}
