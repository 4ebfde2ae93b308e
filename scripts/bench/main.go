//go:build linux

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is everything the command line can change.
type config struct {
	mgit        string
	dir         string
	backends    []string
	only        map[string]bool
	runs        int
	parallel    int
	repos       int
	changed     int
	statusRepos int
	largeRepos  int
	largeFiles  int
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c config
	var backends, only string
	fs.StringVar(&c.mgit, "mgit", "", "path of the mgit binary to measure (required)")
	fs.StringVar(&c.dir, "dir", defaultDir(), "where fixtures are built (tmpfs gives stable ratios)")
	fs.StringVar(&backends, "backends", "cli,go-git", "git backends of mgit to measure")
	fs.StringVar(&only, "only", "clone,fetch,pull,status,large", "workloads to run")
	fs.IntVar(&c.runs, "runs", 3, "timed runs per workload; the median is reported")
	fs.IntVar(&c.parallel, "P", 8, "parallelism of the xargs loop and of mgit")
	fs.IntVar(&c.repos, "repos", 200, "repositories cloned, fetched and pulled")
	fs.IntVar(&c.changed, "changed", 50, "repositories that get new commits before fetch and pull")
	fs.IntVar(&c.statusRepos, "status-repos", 1000, "small repositories for the status workload")
	fs.IntVar(&c.largeRepos, "large-repos", 10, "large repositories for the large status workload")
	fs.IntVar(&c.largeFiles, "large-files", 5000, "files in each large repository")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.mgit == "" {
		return errors.New("-mgit is required: build mgit first (just bench does)")
	}
	abs, err := filepath.Abs(c.mgit)
	if err != nil {
		return err
	}
	c.mgit = abs
	c.backends = strings.Split(backends, ",")
	c.only = map[string]bool{}
	for _, w := range strings.Split(only, ",") {
		c.only[w] = true
	}
	if c.changed > c.repos {
		c.changed = c.repos
	}

	work, err := os.MkdirTemp(c.dir, "mgit-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b := &bench{cfg: c, work: work, out: out}
	if err := b.setupEnv(); err != nil {
		return err
	}
	fmt.Fprintf(out, "mgit bench: %s, fixtures in %s, xargs -P%d, median of %d runs\n\n", c.mgit, work, c.parallel, c.runs)
	fmt.Fprintf(out, "%-32s %10s", "workload", "loop")
	for _, be := range c.backends {
		fmt.Fprintf(out, " %12s %6s", "mgit "+be, "ratio")
	}
	fmt.Fprintf(out, " %8s\n", "target")

	if c.only["clone"] || c.only["fetch"] || c.only["pull"] {
		if err := b.network(); err != nil {
			return err
		}
	}
	if c.only["status"] {
		if err := b.status(fmt.Sprintf("status of %d small repos", c.statusRepos), "status", c.statusRepos, 10, 0.7, true); err != nil {
			return err
		}
	}
	if c.only["large"] {
		if err := b.status(fmt.Sprintf("status of %d repos × %d files", c.largeRepos, c.largeFiles), "large", c.largeRepos, c.largeFiles, 1.2, false); err != nil {
			return err
		}
	}
	return nil
}

func defaultDir() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

type bench struct {
	cfg  config
	work string
	out  io.Writer
	env  []string
}

// setupEnv isolates git from the user's configuration so that both sides of
// every comparison run the same git with the same settings.
func (b *bench) setupEnv() error {
	home := filepath.Join(b.work, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	cfg := "[user]\n\tname = Bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n"
	if err := os.WriteFile(gitconfig, []byte(cfg), 0o600); err != nil {
		return err
	}
	b.env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+gitconfig, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0", "MGIT_LOG_LEVEL=error")
	return nil
}

// sh runs a shell command in the isolated environment, feeding it stdin.
func (b *bench) sh(stdin, script string) error {
	cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+script)
	cmd.Env = b.env
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", firstLine(script), err, lastLines(stderr.String(), 5))
	}
	return nil
}

// measured is one timed command: wall time and the peak resident set of the
// process (as the kernel reports it for the waited-for child).
type measured struct {
	wall   time.Duration
	maxRSS int64 // bytes
}

// timed runs argv (or a shell script when argv[0] is "bash") and measures it.
func (b *bench) timed(stdin string, argv ...string) (measured, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = b.env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measured{}, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, lastLines(stderr.String(), 5))
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024
	}
	return measured{wall: wall, maxRSS: rss}, nil
}

// loop is the hand-written baseline: xargs running one git per line of input.
func (b *bench) loop(lines []string, gitArgs string) (measured, error) {
	script := fmt.Sprintf("xargs -P%d -I{} git %s", b.cfg.parallel, gitArgs)
	return b.timed(strings.Join(lines, "\n")+"\n", "bash", "-c", script)
}

func (b *bench) mgit(backend string, args ...string) (measured, error) {
	argv := append([]string{b.cfg.mgit}, args...)
	argv = append(argv, "--no-tui", "--output", "json", "--git-backend", backend,
		"--concurrency", fmt.Sprint(b.cfg.parallel))
	return b.timed("", argv...)
}

// row prints one workload: the loop's median, each backend's median and ratio.
func (b *bench) row(name string, target float64, loop []measured, mg map[string][]measured, showRSS bool) {
	l := median(loop)
	fmt.Fprintf(b.out, "%-32s %10s", name, l.wall.Round(time.Millisecond))
	for _, be := range b.cfg.backends {
		m := median(mg[be])
		fmt.Fprintf(b.out, " %12s %6.2f", m.wall.Round(time.Millisecond), float64(m.wall)/float64(l.wall))
	}
	fmt.Fprintf(b.out, " %8s\n", fmt.Sprintf("≤ %.1f", target))
	if showRSS {
		fmt.Fprintf(b.out, "%-32s %10s", "  peak RSS", "")
		for _, be := range b.cfg.backends {
			fmt.Fprintf(b.out, " %12s %6s", fmt.Sprintf("%.1f MiB", float64(maxRSS(mg[be]))/(1<<20)), "")
		}
		fmt.Fprintf(b.out, " %8s\n", "≤ 64 MiB")
	}
}

func median(ms []measured) measured {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measured) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}

func maxRSS(ms []measured) int64 {
	var m int64
	for _, x := range ms {
		m = max(m, x.maxRSS)
	}
	return m
}

// serve starts git http-backend on 127.0.0.1 for the bare repositories under
// root and returns the base URL.
func serve(root string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	h := &cgi.Handler{
		Path: "/usr/lib/git-core/git-http-backend",
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
