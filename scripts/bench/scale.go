//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// groupSize is how many repositories share a directory in the scale
// workspace (DIR/gNNN/rNN, like org/repo).
const groupSize = 100

// dirtyEvery makes one repository in this many dirty, so a first paint
// from the cache shows a count the discovery alone cannot know.
const dirtyEvery = 100

// scaleWorkspace builds n small repositories in groups of groupSize by
// copying: one template into the first group, then the group as a whole,
// so 10,000 repositories cost about 200 cp processes, not 10,000 git
// inits. It returns the workspace, the repositories and how many are dirty.
func (b *bench) scaleWorkspace(n int) (string, []string, int, error) {
	seed := filepath.Join(b.work, "scale-seed")
	if err := b.makeSeed(seed, 3); err != nil {
		return "", nil, 0, err
	}
	// The sample hooks are most of a fresh repository's files.
	if err := os.RemoveAll(filepath.Join(seed, ".git", "hooks")); err != nil {
		return "", nil, 0, err
	}
	ws := filepath.Join(b.work, "scale")
	group0 := filepath.Join(ws, "g000")
	if _, err := b.copies(seed, group0, "r%02d", min(n, groupSize)); err != nil {
		return "", nil, 0, err
	}
	groups := (n + groupSize - 1) / groupSize
	var names []string
	for g := 1; g < groups; g++ {
		names = append(names, fmt.Sprintf("g%03d", g))
	}
	script := fmt.Sprintf("cd %q && while read -r g; do cp -a g000 \"$g\"; done", ws)
	if err := b.sh(strings.Join(names, "\n")+"\n", script); err != nil {
		return "", nil, 0, err
	}
	var repos []string
	dirty := 0
	for i := range groups * groupSize {
		p := filepath.Join(ws, fmt.Sprintf("g%03d", i/groupSize), fmt.Sprintf("r%02d", i%groupSize))
		if i >= n {
			if err := os.RemoveAll(p); err != nil {
				return "", nil, 0, err
			}
			continue
		}
		repos = append(repos, p)
		if i%dirtyEvery == dirtyEvery-1 {
			if err := os.WriteFile(filepath.Join(p, "d000", "f0000.txt"), []byte("local change\n"), 0o644); err != nil {
				return "", nil, 0, err
			}
			dirty++
		}
	}
	return ws, repos, dirty, nil
}

// scale measures the 10,000-repository figures: `mgit status` against the
// loop, with mgit's peak RSS, and the dashboard's first paint from its
// cache, full refresh and peak RSS.
func (b *bench) scale() error {
	c := b.cfg
	ws, repos, dirty, err := b.scaleWorkspace(c.scaleRepos)
	if err != nil {
		return err
	}
	defer os.RemoveAll(ws)
	// One untimed loop refreshes every copied index (cp changed the
	// inodes), as a user's repositories would already be.
	if _, err := b.loop(repos, "-C {} status --porcelain"); err != nil {
		return err
	}
	var loopM []measured
	mgM := map[variant][]measured{}
	for range c.runs {
		m, err := b.loop(repos, "-C {} status --porcelain --branch")
		if err != nil {
			return err
		}
		loopM = append(loopM, m)
		if !c.only["scale"] {
			continue
		}
		for _, v := range b.defaultVariants() {
			m, err := b.mgit(v, "status", "--all", ws)
			if err != nil {
				return err
			}
			mgM[v] = append(mgM[v], m)
		}
	}
	l := median(loopM)
	name := fmt.Sprintf("status of %d small repos", len(repos))
	if c.only["scale"] {
		for _, v := range b.defaultVariants() {
			b.print(row{workload: name, variant: v.String(), loop: l, mgit: median(mgM[v]),
				notes: []string{"peak RSS " + mib(maxRSS(mgM[v])) + " (≤ 96 MiB)"}})
		}
	}
	if !c.only["dashboard"] {
		return nil
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		fmt.Fprintf(b.out, "dashboard: skipped, tmux not installed\n")
		return nil
	}
	d, err := b.dashboard(ws, len(repos), dirty)
	if err != nil {
		return fmt.Errorf("dashboard of %d repos: %w", len(repos), err)
	}
	b.print(row{workload: fmt.Sprintf("dashboard %d repos, refresh", len(repos)), variant: "auto",
		loop: l, mgit: measured{wall: d.refresh}, target: 0.5,
		notes: []string{fmt.Sprintf("first paint from cache %s (≤ 300 ms), VmHWM %s (≤ 128 MiB); cold start: refresh %s, VmHWM %s; %q",
			d.firstPaint.Round(time.Millisecond), mib(d.hwm), d.coldRefresh.Round(time.Millisecond), mib(d.coldHWM), d.line)}})
	return nil
}
