package deploycheck

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// The distroless simulation: the static binary runs as uid 65532 in a
// chroot that holds only itself, CA certificates, /etc/passwd and /etc/group
// (plus the /dev nodes and /proc a container runtime provides), with the
// root bind-mounted read-only, a writable volume at /data and a tmpfs /tmp —
// no git and no shell. The environment and the command line are the
// Dockerfile's ENV and CMD, so what runs is what the image would run.

const (
	simUID   = 65532
	simToken = "sim-token-7f3a9c" // the smart-HTTP server and the fake forge require it
)

// sandbox is one prepared chroot and its volume.
type sandbox struct {
	root, data string
	env        []string // the Dockerfile's ENV plus the test's
	cmd        []string // the Dockerfile's CMD
	health     []string // the Dockerfile's HEALTHCHECK command
}

func TestDistrolessSimulation(t *testing.T) {
	requireDeployChecks(t)
	if os.Geteuid() != 0 {
		t.Fatal("the distroless simulation needs root (unshare --mount, chroot): run deploy-checks.sh as root")
	}
	for _, bin := range []string{"unshare", "chroot", "mount"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s not found: %v", bin, err)
		}
	}
	// Built before gittest.Isolate, which moves HOME (and with it Go's
	// default module and build caches).
	sb := newSandbox(t)
	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: simToken})
	heads := map[string]string{}
	for _, name := range []string{"demo/alpha", "demo/beta"} {
		seed := srv.CreateRepo(t, name)
		heads[name] = gittest.Head(t, seed)
	}
	forge := fakeGitea(t, srv, []string{"demo/alpha", "demo/beta"})
	write(t, filepath.Join(sb.root, "etc/mgit/config.yaml"), []byte(fmt.Sprintf(
		"providers:\n  - name: forge\n    type: gitea\n    url: %s\n", forge.URL)), 0o644)

	// The image listens on MGIT_METRICS_ADDR=0.0.0.0:9090 (its ENV); the
	// sandbox shares the host's network, so every run here gets a free
	// loopback port instead, in the same variable: what sync listens on and
	// what the HEALTHCHECK (`mgit health`, no --addr) probes.
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	sb.setEnv(t, "MGIT_METRICS_ADDR", addr)

	t.Run("version", func(t *testing.T) {
		out, _, code := sb.exec(t, context.Background(), "version")
		if code != 0 || !strings.HasPrefix(out, "mgit v0.0.0-distroless ") {
			t.Fatalf("version: exit %d, %q", code, out)
		}
	})

	// clone through go-git: no git binary, so --git-backend auto picks it.
	t.Run("clone", func(t *testing.T) {
		out, errOut, code := sb.exec(t, context.Background(), "clone", srv.URL("demo/alpha"), "/data/clones", "--no-tui")
		if code != 0 {
			t.Fatalf("clone: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		checkRepos(t, filepath.Join(sb.data, "clones"), map[string]string{"demo/alpha": heads["demo/alpha"]})
		checkNoLeak(t, sb.data, out+errOut)
	})

	syncArgs := sb.syncArgs(t, port)

	t.Run("sync --once", func(t *testing.T) {
		out, errOut, code := sb.exec(t, context.Background(), append(syncArgs, "--once")...)
		if code != 0 {
			t.Fatalf("sync --once: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		checkRepos(t, filepath.Join(sb.data, "repos"), heads)
		checkNoLeak(t, sb.data, out+errOut)
	})

	// A bare container: no config file, no login; the provider from
	// MGIT_PROVIDER / MGIT_PROVIDER_URL and the token from its usual
	// variable, as the docker guide's `docker run -e …` gives them.
	t.Run("sync --once from the environment alone", func(t *testing.T) {
		bare := sb.withoutEnv("MGIT_CONFIG", "MGIT_TOKEN_FORGE", "MGIT_TOKEN")
		bare.env = append(bare.env, "MGIT_PROVIDER=gitea", "MGIT_PROVIDER_URL="+forge.URL, "GITEA_TOKEN="+simToken)
		args := append(slices.Clone(syncArgs), "--once")
		for i := range args {
			if args[i] == "/data/repos" {
				args[i] = "/data/env-repos"
			}
		}
		out, errOut, code := bare.exec(t, context.Background(), args...)
		if code != 0 {
			t.Fatalf("sync --once from the environment: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		checkRepos(t, filepath.Join(sb.data, "env-repos"), heads)
		checkNoLeak(t, sb.data, out+errOut)
	})

	t.Run("sync service with health, readyz and metrics", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd, stderr := sb.start(t, ctx, append(syncArgs, "--interval", "1h")...)
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()

		if err := waitReady(ctx, "http://"+addr+"/readyz", exited); err != nil {
			t.Fatalf("readyz: %v\nstderr: %s", err, stderr)
		}
		for path, want := range map[string]string{
			"/healthz": "",
			"/metrics": "mgit_sync_runs_total",
		} {
			code, body := httpGet(t, "http://"+addr+path)
			if code != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("GET %s: %d, body lacks %q", path, code, want)
			}
		}
		// The HEALTHCHECK exactly as the Dockerfile has it (its port
		// replaced), and the readiness form, both inside the sandbox.
		hc := replacePort(sb.health, port)
		if out, errOut, code := sb.exec(t, ctx, hc[2:]...); code != 0 {
			t.Errorf("HEALTHCHECK %q: exit %d %s %s", hc, code, out, errOut)
		}
		if _, _, code := sb.exec(t, ctx, "health", "--addr", addr, "--ready"); code != 0 {
			t.Errorf("health --ready: exit %d", code)
		}
		// SIGTERM: a clean stop with exit 0, within the grace period.
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("sync after SIGTERM: %v\nstderr: %s", err, stderr)
			}
		case <-ctx.Done():
			t.Fatal("sync did not stop after SIGTERM")
		}
		// Nothing listens any more: health must now fail.
		if _, _, code := sb.exec(t, context.Background(), "health", "--addr", addr); code == 0 {
			t.Error("health exits 0 with no mgit running")
		}
		checkNoLeak(t, sb.data, stderr.String())
	})

	// Everything mgit wrote is in the volume and belongs to the nonroot user.
	err := filepath.WalkDir(sb.data, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != simUID {
			return fmt.Errorf("%s is owned by uid %d, not %d", p, st.Uid, simUID)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// newSandbox builds the binary and the chroot, with a place for the config
// file mgit reads (MGIT_CONFIG, read-only, as the Helm chart mounts it).
func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	dir := t.TempDir()
	sb := &sandbox{root: filepath.Join(dir, "root"), data: filepath.Join(dir, "data")}
	for _, d := range []string{"etc/ssl/certs", "etc/mgit", "data", "tmp", "proc", "dev"} {
		mkdir(t, filepath.Join(sb.root, d), 0o755)
	}
	if err := os.Chmod(sb.root, 0o755); err != nil {
		t.Fatal(err)
	}
	mkdir(t, sb.data, 0o755)
	if err := os.Chown(sb.data, simUID, simUID); err != nil {
		t.Fatal(err)
	}

	bin := filepath.Join(sb.root, "mgit")
	build := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-s -w -X github.com/mgit-dev/mgit/app.buildVersion=v0.0.0-distroless", ".")
	build.Dir = repoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the static binary: %v\n%s", err, out)
	}
	checkStatic(t, bin)

	ca := "/etc/ssl/certs/ca-certificates.crt"
	certs, err := os.ReadFile(ca)
	if err != nil {
		t.Fatalf("CA certificates: %v (apt-get install ca-certificates)", err)
	}
	write(t, filepath.Join(sb.root, ca), certs, 0o644)
	// distroless's /etc/passwd and /etc/group.
	write(t, filepath.Join(sb.root, "etc/passwd"), []byte("root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"), 0o644)
	write(t, filepath.Join(sb.root, "etc/group"), []byte("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"), 0o644)
	write(t, filepath.Join(sb.root, "etc/mgit/config.yaml"), nil, 0o644) // written once the forge runs
	for _, n := range []string{"null", "zero", "urandom"} {
		write(t, filepath.Join(sb.root, "dev", n), nil, 0o644) // bind-mount targets
	}
	// Only these exist: no shell, no git, no package manager.
	var files []string
	filepath.WalkDir(sb.root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, strings.TrimPrefix(p, sb.root))
		}
		return err
	})
	want := []string{"/dev/null", "/dev/urandom", "/dev/zero", "/etc/group", "/etc/mgit/config.yaml",
		"/etc/passwd", "/etc/ssl/certs/ca-certificates.crt", "/mgit"}
	if !slices.Equal(files, want) {
		t.Fatalf("unexpected sandbox contents: %q", files)
	}

	df := parseRepoDockerfile(t)
	final := df.Final()
	for _, in := range Find(final, "ENV") {
		sb.env = append(sb.env, envPairs(t, in.Args)...)
	}
	sb.env = append(sb.env, "MGIT_CONFIG=/etc/mgit/config.yaml", "MGIT_TOKEN_FORGE="+simToken, "MGIT_TOKEN="+simToken)
	cmds := Find(final, "CMD")
	sb.cmd, _ = cmds[len(cmds)-1].ExecForm()
	hc := Find(final, "HEALTHCHECK")
	h := hc[len(hc)-1].Args
	if err := json.Unmarshal([]byte(h[strings.Index(h, "["):]), &sb.health); err != nil || sb.health[0] != "/mgit" {
		t.Fatalf("HEALTHCHECK %q: %v", h, err)
	}
	sb.health = append([]string{"CMD"}, sb.health...)
	return sb
}

// setEnv replaces (or adds) one variable of the sandbox environment.
func (sb *sandbox) setEnv(t *testing.T, key, value string) {
	t.Helper()
	for i, kv := range sb.env {
		if strings.HasPrefix(kv, key+"=") {
			sb.env[i] = key + "=" + value
			return
		}
	}
	sb.env = append(sb.env, key+"="+value)
}

// withoutEnv is a copy of the sandbox without the variables named.
func (sb *sandbox) withoutEnv(keys ...string) *sandbox {
	c := *sb
	c.env = nil
	for _, kv := range sb.env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(keys, k) {
			c.env = append(c.env, kv)
		}
	}
	return &c
}

// syncArgs is the Dockerfile's CMD as it stands (query "*": everything the
// token sees), with the metrics port made free and --interval dropped: the
// subtests choose --once or their own.
func (sb *sandbox) syncArgs(t *testing.T, port int) []string {
	t.Helper()
	if len(sb.cmd) < 2 || sb.cmd[0] != "sync" {
		t.Fatalf("CMD %q does not run sync QUERY", sb.cmd)
	}
	args := replacePort(sb.cmd, port)
	for i := 0; i < len(args); i++ {
		if args[i] == "--interval" && i+1 < len(args) {
			args = append(args[:i], args[i+2:]...)
			i--
		}
	}
	return args
}

// script sets up the mount namespace, then execs mgit as 65532 in the
// chroot with exactly the sandbox environment.
const script = `set -eu
r="$1"; data="$2"; shift 2
mount --make-rprivate /
mount --bind "$r" "$r"
mount -o remount,bind,ro "$r"
mount --bind "$data" "$r/data"
mount -t tmpfs -o size=64m,mode=1777 tmpfs "$r/tmp"
mount -t proc proc "$r/proc"
for n in null zero urandom; do mount --bind "/dev/$n" "$r/dev/$n"; done
exec chroot --userspec=65532:65532 "$r" "$@"
`

func (sb *sandbox) command(ctx context.Context, args ...string) *exec.Cmd {
	argv := append([]string{"--mount", "bash", "-c", script, "sim", sb.root, sb.data, "/mgit"}, args...)
	cmd := exec.CommandContext(ctx, "unshare", argv...)
	cmd.Env = sb.env // no PATH: nothing to find, as in distroless
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

func (sb *sandbox) exec(t *testing.T, ctx context.Context, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := sb.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %q in the sandbox: %v", args, err)
	}
	return o.String(), e.String(), code
}

func (sb *sandbox) start(t *testing.T, ctx context.Context, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := sb.command(ctx, args...)
	buf := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = buf, buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, buf
}

// waitReady polls /readyz until it answers 200, the process exits or ctx
// ends: readiness is the condition waited for, not a fixed delay.
func waitReady(ctx context.Context, url string, exited <-chan error) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("mgit exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// fakeGitea answers the Gitea API calls sync makes, listing repos whose
// clone URLs point at the smart-HTTP server. It requires the token.
func fakeGitea(t *testing.T, srv *gittest.Server, names []string) *httptest.Server {
	t.Helper()
	type owner struct {
		Login string `json:"login"`
	}
	type repo struct {
		Name          string `json:"name"`
		FullName      string `json:"full_name"`
		Owner         owner  `json:"owner"`
		CloneURL      string `json:"clone_url"`
		DefaultBranch string `json:"default_branch"`
	}
	var repos []repo
	for _, n := range names {
		org, name, _ := strings.Cut(n, "/")
		repos = append(repos, repo{name, n, owner{org}, srv.URL(n), "main"})
	}
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "token "+simToken {
			http.Error(w, `{"message":"token is required"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/v1/user":
			fmt.Fprint(w, `{"login":"sim"}`)
		case r.URL.Path == "/api/v1/orgs/demo/repos" || r.URL.Path == "/api/v1/user/repos":
			w.Header().Set("X-Total-Count", fmt.Sprint(len(repos)))
			if r.URL.Query().Get("page") != "1" && r.URL.Query().Get("page") != "" {
				fmt.Fprint(w, "[]")
				return
			}
			_ = json.NewEncoder(w).Encode(repos)
		default:
			http.Error(w, `{"message":"not found"}`, http.StatusNotFound)
		}
	}))
	t.Cleanup(fake.Close)
	return fake
}

// checkRepos finds the work trees (or bare mirrors) under dir and compares
// each one's HEAD with the upstream's, by the repository's last two path
// elements (whatever the layout above them).
func checkRepos(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if _, err := os.Stat(filepath.Join(p, ".git")); err == nil {
			rel := filepath.ToSlash(p)
			parts := strings.Split(rel, "/")
			got[strings.Join(parts[len(parts)-2:], "/")] = gittest.Git(t, p, "-c", "safe.directory=*", "rev-parse", "HEAD")
			return filepath.SkipDir
		}
		return nil
	})
	for name, head := range want {
		if got[name] != head {
			t.Errorf("%s: HEAD %q, want %q (found %v)", name, got[name], head, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("found repositories %v, want %d", got, len(want))
	}
}

// checkNoLeak: the token is in no output and no file of the volume.
func checkNoLeak(t *testing.T, data, output string) {
	t.Helper()
	if strings.Contains(output, simToken) {
		t.Error("the token appears in mgit's output")
	}
	filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(simToken)) {
			t.Errorf("the token is written in %s", p)
		}
		return nil
	})
}

func checkStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary is dynamically linked: distroless static has no libc")
		}
	}
}

// envPairs splits an ENV instruction's KEY=VALUE list.
func envPairs(t *testing.T, args string) []string {
	t.Helper()
	var out []string
	for _, f := range strings.Fields(args) {
		if !strings.Contains(f, "=") {
			t.Fatalf("ENV %q: use the KEY=VALUE form", args)
		}
		out = append(out, strings.Trim(f, `"`))
	}
	return out
}

func replacePort(args []string, port int) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if h, p, err := net.SplitHostPort(a); err == nil && p == "9090" {
			if h == "0.0.0.0" {
				h = "127.0.0.1" // loopback only: the sandbox shares the host's network
			}
			a = net.JoinHostPort(h, fmt.Sprint(port))
		}
		out[i] = a
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mkdir(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(p, mode); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, p string, b []byte, mode os.FileMode) {
	t.Helper()
	mkdir(t, filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, b, mode); err != nil {
		t.Fatal(err)
	}
}
