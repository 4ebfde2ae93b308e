//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
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

// upstream is the served side of the network workloads: bare
// repositories behind the smart-HTTP server, and a work tree for each one
// that gets new commits.
type upstream struct {
	names   []string // r0000.git …
	urls    []string
	urlFile string
	pushers []string // "worktree bare" lines
}

// network measures clone, then fetch and pull after new upstream commits,
// at every latency.
func (b *bench) network() error {
	c := b.cfg
	seed := filepath.Join(b.work, "seed")
	if err := b.makeSeed(seed, 20); err != nil {
		return err
	}
	srvDir := filepath.Join(b.work, "srv")
	tmpl := filepath.Join(b.work, "tmpl.git")
	if err := b.sh("", fmt.Sprintf("git clone -q --bare %q %q", seed, tmpl)); err != nil {
		return err
	}
	var up upstream
	var err error
	if up.names, err = b.copies(tmpl, srvDir, "r%04d.git", c.repos); err != nil {
		return err
	}
	b.srv = &server{connRTTs: c.connRTTs, throttle: c.throttle}
	base, stop, err := b.srv.serve(srvDir, !c.noCache)
	if err != nil {
		return err
	}
	defer func() { stop(); b.srv = nil }()
	for _, n := range up.names {
		up.urls = append(up.urls, base+"/"+n)
	}
	if err := writeProviderConfig(filepath.Join(b.work, "home"), base); err != nil {
		return err
	}
	up.urlFile = filepath.Join(b.work, "urls.txt")
	if err := os.WriteFile(up.urlFile, []byte(strings.Join(up.urls, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	// Pushers hold a work tree for each repository that gets new commits;
	// they push without the server's latency (set per phase below).
	push := filepath.Join(b.work, "push")
	for _, n := range up.names[:c.changed] {
		up.pushers = append(up.pushers, filepath.Join(push, strings.TrimSuffix(n, ".git"))+" "+filepath.Join(srvDir, n))
	}
	if err := b.sh(strings.Join(up.pushers, "\n")+"\n", "while read -r d u; do git clone -q \"$u\" \"$d\"; done"); err != nil {
		return err
	}
	for _, lat := range c.latencies {
		b.srv.setLatency(lat)
		if err := b.networkAt(lat, up); err != nil {
			return err
		}
	}
	return nil
}

// writeProviderConfig configures, in the isolated HOME, a Gitea provider
// "bench" at the server (http is allowed on loopback), whose listing names
// every served repository with its size.
func writeProviderConfig(home, base string) error {
	dir := filepath.Join(home, ".config", "mgit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	cfg := fmt.Sprintf("providers:\n  - name: bench\n    type: gitea\n    url: %s\n", base)
	return os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o600)
}

// networkAt runs clone, fetch and pull with the server at one latency.
func (b *bench) networkAt(lat time.Duration, up upstream) error {
	c := b.cfg
	latency := lat.String()
	phase := filepath.Join(b.work, "net-"+strings.ReplaceAll(latency, ".", "_"))
	defer os.RemoveAll(phase)
	variants := b.networkVariants()

	loopDir, mgitDir, err := b.clones(phase, latency, lat, up)
	if err != nil {
		return err
	}

	newCommits := func(round string) error {
		return b.sh(strings.Join(up.pushers, "\n")+"\n", fmt.Sprintf(
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
		mgM := map[variant][]measured{}
		for r := range c.runs {
			if err := newCommits(fmt.Sprintf("%s %s round %d", w.name, latency, r)); err != nil {
				return err
			}
			m, err := b.loop(loopRepos, w.loopArgs)
			if err != nil {
				return err
			}
			loopM = append(loopM, m)
			for _, v := range variants {
				m, err := b.mgitLogged(fmt.Sprintf("%s at %s, run %d", w.name, latency, r), v, w.mgitCmd, mgitDir[v])
				if err != nil {
					return err
				}
				mgM[v] = append(mgM[v], m)
			}
		}
		b.networkRows(fmt.Sprintf("%s %d repos, %d changed", w.name, c.repos, c.changed), latency, updateTarget(lat), loopM, mgM, variants)
	}
	return nil
}

// clones measures clone: every run into fresh directories under phase;
// the last run's clones are kept for fetch and pull, and their
// directories returned.
func (b *bench) clones(phase, latency string, lat time.Duration, up upstream) (string, map[variant]string, error) {
	c := b.cfg
	loopDir := ""
	mgitDir := map[variant]string{}
	var loopM []measured
	mgM := map[variant][]measured{}
	for r := range c.runs {
		loopDir = filepath.Join(phase, fmt.Sprintf("clone-loop-%d", r))
		var pairs []string
		for i, u := range up.urls {
			pairs = append(pairs, u+" "+filepath.Join(loopDir, strings.TrimSuffix(up.names[i], ".git")))
		}
		m, err := b.timed(strings.Join(pairs, "\n")+"\n", "bash", "-c", fmt.Sprintf("xargs -P%d -n2 git clone -q", c.parallel))
		if err != nil {
			return "", nil, err
		}
		loopM = append(loopM, m)
		for i, v := range append(b.networkVariants(), listingVariants(c.backends)...) {
			dir := filepath.Join(phase, fmt.Sprintf("clone-%d-%d", i, r))
			args := []string{"clone", "--from", up.urlFile, dir}
			if v.listing {
				args = []string{"clone", benchOrg + "/*", dir, "--provider", "bench"}
			}
			m, err := b.mgitLogged(fmt.Sprintf("clone at %s, run %d", latency, r), v, args...)
			if err != nil {
				return "", nil, err
			}
			mgM[v] = append(mgM[v], m)
			if v.listing { // fetch and pull run on the --from clones
				_ = os.RemoveAll(dir)
				continue
			}
			if old := mgitDir[v]; old != "" {
				_ = os.RemoveAll(old)
			}
			mgitDir[v] = dir
		}
		if r < c.runs-1 {
			_ = os.RemoveAll(loopDir)
		}
	}
	if c.only["clone"] {
		b.networkRows(fmt.Sprintf("clone %d repos", c.repos), latency, cloneTarget(lat), loopM, mgM, append(b.networkVariants(), listingVariants(c.backends)...))
	}
	return loopDir, mgitDir, nil
}

// networkRows prints one row per variant; the target applies to mgit at
// its defaults only.
func (b *bench) networkRows(name, latency string, target float64, loopM []measured, mgM map[variant][]measured, variants []variant) {
	l := median(loopM)
	for _, v := range variants {
		m := median(mgM[v])
		r := row{workload: name, latency: latency, variant: v.String(), loop: l, mgit: m,
			notes: append([]string{cpuNote(l, m)}, b.throttleNotes(l, m)...)}
		if v.j == 0 {
			r.target = target
		}
		b.print(r)
	}
}

// cpuNote says where each side's CPU went: its own git processes
// (client) and the server's (git http-backend and its children).
func cpuNote(loop, mg measured) string {
	return fmt.Sprintf("cpu s client/server: loop %.1f/%.1f mgit %.1f/%.1f",
		loop.cpu.Seconds(), loop.srvCPU.Seconds(), mg.cpu.Seconds(), mg.srvCPU.Seconds())
}

// cloneTarget and updateTarget are issue 15's goals for mgit at its
// defaults against the J=8 loop.
func cloneTarget(lat time.Duration) float64 {
	switch {
	case lat >= 100*time.Millisecond:
		return 0.5
	case lat >= 20*time.Millisecond:
		return 0.7
	}
	return 1.0
}

func updateTarget(lat time.Duration) float64 {
	if lat == 0 {
		return 0.6
	}
	return cloneTarget(lat)
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
	for _, v := range b.defaultVariants() {
		if _, err := b.mgit(v, "status", "--all", dir); err != nil {
			return err
		}
	}
	var loopM []measured
	mgM := map[variant][]measured{}
	for range b.cfg.runs {
		m, err := b.loop(repos, "-C {} status --porcelain --branch")
		if err != nil {
			return err
		}
		loopM = append(loopM, m)
		for _, v := range b.defaultVariants() {
			m, err := b.mgit(v, "status", "--all", dir)
			if err != nil {
				return err
			}
			mgM[v] = append(mgM[v], m)
		}
	}
	l := median(loopM)
	for _, v := range b.defaultVariants() {
		r := row{workload: name, variant: v.String(), loop: l, mgit: median(mgM[v]), target: target}
		if showRSS {
			r.notes = []string{"peak RSS " + mib(maxRSS(mgM[v])) + " (≤ 64 MiB)"}
		}
		b.print(r)
	}
	return os.RemoveAll(dir)
}
