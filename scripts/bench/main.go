//go:build linux

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
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
	scaleRepos  int
	latencies   []time.Duration
	connRTTs    int
	throttle    int
	// mgitLog, when set, is a file every mgit run of the network
	// workloads appends its stderr to, at log level info: the limiter's
	// "network concurrency" decisions.
	mgitLog string
	// noCache serves every request from git http-backend (the server's
	// CPU then competes with the clients' on this machine).
	noCache bool
	// mgitJ are the concurrencies mgit runs with in the network
	// workloads; 0 is mgit's default (no -j).
	mgitJ []int
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
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
	fmt.Fprintf(out, "mgit bench: %s, fixtures in %s, loop: xargs -P%d git, median of %d runs; "+
		"mgit at its defaults unless -jN; ratio = mgit/loop\n", c.mgit, work, c.parallel, c.runs)
	if c.throttle > 0 {
		fmt.Fprintf(out, "server answers 429 above %d requests in flight\n", c.throttle)
	}
	if !c.noCache {
		fmt.Fprintln(out, "server answers fetch requests from a cache keyed by request and refs (-no-server-cache: off)")
	}
	if c.connRTTs > 0 {
		fmt.Fprintf(out, "each new connection waits %d× the latency (handshakes)\n", c.connRTTs)
	}
	fmt.Fprintln(out)
	b.header()

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
		if err := b.status(fmt.Sprintf("status of %d repos × %d files", c.largeRepos, c.largeFiles), "large", c.largeRepos, c.largeFiles, 1.0, false); err != nil {
			return err
		}
	}
	if c.only["scale"] || c.only["dashboard"] {
		if err := b.scale(); err != nil {
			return err
		}
	}
	return nil
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c config
	var backends, only, latencies, mgitJ string
	fs.StringVar(&c.mgit, "mgit", "", "path of the mgit binary to measure (required)")
	fs.StringVar(&c.dir, "dir", defaultDir(), "where fixtures are built (tmpfs gives stable ratios)")
	fs.StringVar(&backends, "backends", "auto", "git backends of mgit to measure (auto: mgit's default; cli and go-git force one)")
	fs.StringVar(&only, "only", "clone,fetch,pull,status,large,scale,dashboard", "workloads to run")
	fs.IntVar(&c.runs, "runs", 3, "timed runs per workload; the median is reported")
	fs.IntVar(&c.parallel, "P", 8, "parallelism of the xargs loop")
	fs.IntVar(&c.repos, "repos", 200, "repositories cloned, fetched and pulled")
	fs.IntVar(&c.changed, "changed", 50, "repositories that get new commits before fetch and pull")
	fs.IntVar(&c.statusRepos, "status-repos", 1000, "small repositories for the status workload")
	fs.IntVar(&c.largeRepos, "large-repos", 10, "large repositories for the large status workload")
	fs.IntVar(&c.largeFiles, "large-files", 5000, "files in each large repository")
	fs.IntVar(&c.scaleRepos, "scale-repos", 10000, "small repositories for the scale (status RSS) and dashboard workloads")
	fs.StringVar(&latencies, "latency", "0,20ms,100ms", "latencies the server adds before every request of clone, fetch and pull")
	fs.IntVar(&c.connRTTs, "conn-rtts", 0, "latencies every new connection also waits (1: TCP handshake, 2: TCP and TLS)")
	fs.IntVar(&c.throttle, "throttle", 0, "answer 429 (secondary rate limit) above this many requests in flight; 0: never")
	fs.BoolVar(&c.noCache, "no-server-cache", false, "serve every request from git http-backend, without the answer cache (the server then costs as much CPU as the clients)")
	fs.StringVar(&c.mgitLog, "mgit-log", "", "append mgit's stderr at log level info (the limiter's decisions) to this file")
	fs.StringVar(&mgitJ, "mgit-j", "0", "mgit concurrencies for clone, fetch and pull (0: mgit's default)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.mgit == "" {
		return c, errors.New("-mgit is required: build mgit first (just bench does)")
	}
	abs, err := filepath.Abs(c.mgit)
	if err != nil {
		return c, err
	}
	c.mgit = abs
	c.backends = strings.Split(backends, ",")
	c.only = map[string]bool{}
	for _, w := range strings.Split(only, ",") {
		c.only[w] = true
	}
	c.changed = min(c.changed, c.repos)
	for _, l := range strings.Split(latencies, ",") {
		d, err := time.ParseDuration(l)
		if err != nil {
			return c, fmt.Errorf("-latency %q: %w", l, err)
		}
		c.latencies = append(c.latencies, d)
	}
	for _, j := range strings.Split(mgitJ, ",") {
		n, err := strconv.Atoi(j)
		if err != nil || n < 0 {
			return c, fmt.Errorf("-mgit-j %q: want a number, 0 for mgit's default", j)
		}
		c.mgitJ = append(c.mgitJ, n)
	}
	return c, nil
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
	// srv is the smart-HTTP server while the network workloads run; its
	// counts are read around every timed command.
	srv *server
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
		"GIT_TERMINAL_PROMPT=0", "MGIT_LOG_LEVEL=error", "MGIT_KEYRING_BACKEND=env",
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"), "XDG_STATE_HOME="+filepath.Join(home, "state"))
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
	// cpu is the user and system time of the command and every process
	// it waited for (the git processes of both sides); srvCPU is the
	// rest this process and its children used meanwhile: the HTTP server
	// and its git http-backend, upload-pack and pack-objects, which in
	// production run on the host's CPU, not the user's.
	cpu, srvCPU time.Duration
	// exit is the exit status, non-zero only when the server throttles
	// (a refused request may fail an operation there, by design).
	exit int
	// seen is what the server counted while the command ran.
	seen counts
}

// cpuUsed is the CPU time this process and its waited-for children have
// used so far.
func cpuUsed() time.Duration {
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	return rusageCPU(&self) + rusageCPU(&children)
}

func rusageCPU(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timed runs argv (or a shell script when argv[0] is "bash") and measures it.
func (b *bench) timed(stdin string, argv ...string) (measured, error) {
	return b.timedEnv(nil, nil, stdin, argv...)
}

// timedEnv is timed with extra environment and a copy of stderr to log
// (nil: none).
func (b *bench) timedEnv(env []string, log io.Writer, stdin string, argv ...string) (measured, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(slices.Clip(b.env), env...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if log != nil {
		cmd.Stderr = io.MultiWriter(&stderr, log)
	}
	var before counts
	if b.srv != nil {
		before = b.srv.counts()
	}
	cpu0 := cpuUsed()
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var m measured
	var exit *exec.ExitError
	switch {
	case err == nil:
	case b.cfg.throttle > 0 && errors.As(err, &exit):
		m.exit = exit.ExitCode()
	default:
		return measured{}, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, lastLines(stderr.String(), 5))
	}
	m.wall = wall
	if b.srv != nil {
		after := b.srv.counts()
		m.seen = counts{requests: after.requests - before.requests, throttled: after.throttled - before.throttled}
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss * 1024
		m.cpu = rusageCPU(ru)
		m.srvCPU = max(cpuUsed()-cpu0-m.cpu, 0)
	}
	return m, nil
}

// loop is the hand-written baseline: xargs running one git per line of input.
func (b *bench) loop(lines []string, gitArgs string) (measured, error) {
	script := fmt.Sprintf("xargs -P%d -I{} git %s", b.cfg.parallel, gitArgs)
	return b.timed(strings.Join(lines, "\n")+"\n", "bash", "-c", script)
}

// variant is one way of running mgit: a git backend and a concurrency
// (0: mgit's default, no -j); listing clones what the server's Gitea
// listing names (mgit clone QUERY) instead of the --from URL file.
type variant struct {
	backend string
	j       int
	listing bool
}

func (v variant) String() string {
	s := v.backend
	if v.listing {
		s += " listing"
	}
	if v.j != 0 {
		s += fmt.Sprintf(" -j%d", v.j)
	}
	return s
}

// networkVariants are every backend at every -mgit-j.
func (b *bench) networkVariants() []variant {
	var vs []variant
	for _, be := range b.cfg.backends {
		for _, j := range b.cfg.mgitJ {
			vs = append(vs, variant{backend: be, j: j})
		}
	}
	return vs
}

// listingVariants are, for every backend at mgit's default concurrency,
// a clone by listing: the path users take, where the listing tells each
// repository's size (a URL file does not).
func listingVariants(backends []string) []variant {
	var vs []variant
	for _, be := range backends {
		vs = append(vs, variant{backend: be, listing: true})
	}
	return vs
}

// defaultVariants are every backend at mgit's default concurrency.
func (b *bench) defaultVariants() []variant {
	var vs []variant
	for _, be := range b.cfg.backends {
		vs = append(vs, variant{backend: be})
	}
	return vs
}

func (b *bench) mgit(v variant, args ...string) (measured, error) {
	return b.timedEnv(variantEnv(v), nil, "", b.mgitArgv(v, args...)...)
}

// variantEnv is the environment a variant adds: a clone by listing needs
// a token for the provider (the server ignores it; mgit asks for one
// before it lists), which then goes with every clone, as a user's would.
// The --from runs get none, as before the listing existed.
func variantEnv(v variant) []string {
	if v.listing {
		return []string{"MGIT_TOKEN_BENCH=bench-token-not-a-secret"}
	}
	return nil
}

func (b *bench) mgitArgv(v variant, args ...string) []string {
	argv := append([]string{b.cfg.mgit}, args...)
	argv = append(argv, "--no-tui", "--output", "json", "--git-backend", v.backend)
	if v.j > 0 {
		argv = append(argv, "--concurrency", strconv.Itoa(v.j))
	}
	return argv
}

// mgitLogged is mgit for the network workloads: with -mgit-log, at log
// level info and its stderr appended to that file under a header naming
// the run.
func (b *bench) mgitLogged(title string, v variant, args ...string) (measured, error) {
	if b.cfg.mgitLog == "" {
		return b.mgit(v, args...)
	}
	f, err := os.OpenFile(b.cfg.mgitLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return measured{}, err
	}
	defer f.Close()
	fmt.Fprintf(f, "== %s, mgit %s\n", title, v)
	m, err := b.timedEnv(append([]string{"MGIT_LOG_LEVEL=info"}, variantEnv(v)...), f, "", b.mgitArgv(v, args...)...)
	fmt.Fprintf(f, "== %.3f s wall, %.2f s cpu, server %.2f s cpu\n", m.wall.Seconds(), m.cpu.Seconds(), m.srvCPU.Seconds())
	return m, err
}

// row is one line of the table: a workload at a latency, the loop and one
// variant of mgit.
type row struct {
	workload, latency, variant string
	loop, mgit                 measured
	// target is the ratio the issue asks for; 0 when none applies.
	target float64
	notes  []string
}

const rowFormat = "%-34s %-7s %-15s %9s %9s %6s %7s  %s\n"

func (b *bench) header() {
	fmt.Fprintf(b.out, rowFormat, "workload", "latency", "mgit", "loop s", "mgit s", "ratio", "target", "notes")
}

func (b *bench) print(r row) {
	ratio, target := "-", ""
	if r.loop.wall > 0 {
		ratio = fmt.Sprintf("%.2f", float64(r.mgit.wall)/float64(r.loop.wall))
	}
	if r.target > 0 {
		target = fmt.Sprintf("≤ %.1f", r.target)
	}
	lat := r.latency
	if lat == "" {
		lat = "-"
	}
	fmt.Fprintf(b.out, rowFormat, r.workload, lat, r.variant, seconds(r.loop.wall), seconds(r.mgit.wall), ratio, target, strings.Join(r.notes, "; "))
}

func seconds(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", d.Seconds())
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// throttleNotes says how many requests the server refused, and the exit
// statuses, when it throttles.
func (b *bench) throttleNotes(loop, mg measured) []string {
	if b.cfg.throttle == 0 {
		return nil
	}
	return []string{fmt.Sprintf("429s loop %d/%d mgit %d/%d requests; exit loop %d mgit %d",
		loop.seen.throttled, loop.seen.requests, mg.seen.throttled, mg.seen.requests, loop.exit, mg.exit)}
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
