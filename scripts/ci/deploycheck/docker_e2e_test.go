package deploycheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestDockerImage runs the image scripts/ci/docker-e2e.sh built from this
// checkout on a real Docker engine: what the distroless simulation
// approximates, done for real. Containers share the host's network
// (--network host): the smart-HTTP server and the fake Gitea API listen on
// 127.0.0.1, the only place mgit accepts a plain-http provider URL, and
// engines started with --bridge=none have no other network.
func TestDockerImage(t *testing.T) {
	image := os.Getenv("MGIT_E2E_IMAGE")
	if image == "" {
		t.Skip("set MGIT_E2E_IMAGE to an image built from this checkout (bash scripts/ci/docker-e2e.sh does)")
	}
	// Made before gittest.Isolate moves HOME: the docker CLI finds its
	// plugins (compose) under the real one.
	d := newDockerCLI(t)
	checkImage(t, d, image)

	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: simToken})
	names := []string{"demo/alpha", "demo/beta"}
	heads := map[string]string{}
	for _, n := range names {
		heads[n] = gittest.Head(t, srv.CreateRepo(t, n))
	}
	forge := fakeGitea(t, srv, names)
	env := []string{"MGIT_PROVIDER=gitea", "MGIT_PROVIDER_URL=" + forge.URL, "MGIT_TOKEN_GITEA=" + simToken}

	t.Run("sync once", func(t *testing.T) {
		data := volumeDir(t)
		args := append(hardened(data, env, fmt.Sprintf("127.0.0.1:%d", freePort(t))),
			image, "sync", "demo/*", "--no-tui", "--once", "--dir", "/data/repos")
		// stdout and stderr (the logs) together: the token must be in neither.
		b, err := d.cmd(append([]string{"run", "--rm"}, args...)...).CombinedOutput()
		out := string(b)
		if err != nil {
			t.Fatalf("mgit sync --once: %v\n%s", err, out)
		}
		t.Logf("mgit sync --once:\n%s", out)
		checkRepos(t, filepath.Join(data, "repos"), heads)
		checkNoLeak(t, data, out)
		checkOwner(t, filepath.Join(data, "repos"), simUID)
	})
	t.Run("healthcheck", func(t *testing.T) {
		data := volumeDir(t)
		// The image's HEALTHCHECK command, checked every second instead of
		// every 30 s; the default CMD's sync loop with the test's query.
		args := append([]string{"run", "-d", "--health-interval", "1s", "--health-start-period", "0s"},
			hardened(data, env, fmt.Sprintf("127.0.0.1:%d", freePort(t)))...)
		id := d.run(t, append(args, image, "sync", "demo/*", "--no-tui", "--dir", "/data/repos", "--interval", "1h")...)
		t.Cleanup(func() { d.try("rm", "-f", id) })
		if err := d.waitHealthy(id); err != nil {
			t.Fatalf("%v\n%s", err, d.try("logs", id))
		}
		d.run(t, "exec", id, "/mgit", "health", "--ready")
		checkOwner(t, filepath.Join(data, "repos"), simUID)
	})
	t.Run("compose up --wait", func(t *testing.T) {
		if _, err := d.cmd("compose", "version").Output(); err != nil {
			t.Skip("no docker compose plugin")
		}
		composeUp(t, d, image, env, heads)
	})
}

// checkImage checks the image itself: its configuration, `mgit version`
// and the man pages.
func checkImage(t *testing.T, d *dockerCLI, image string) {
	t.Helper()
	t.Run("config", func(t *testing.T) {
		var cfg struct {
			Os, Architecture string
			Config           struct {
				User        string
				Entrypoint  []string
				Healthcheck struct{ Test []string }
			}
		}
		if err := json.Unmarshal([]byte(d.run(t, "image", "inspect", "-f", "{{json .}}", image)), &cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.Config.User != "65532:65532" {
			t.Errorf("image user %q, want 65532:65532", cfg.Config.User)
		}
		if got := strings.Join(cfg.Config.Healthcheck.Test, " "); got != "CMD /mgit health" {
			t.Errorf("healthcheck %q, want CMD /mgit health", got)
		}
		if cfg.Os+"/"+cfg.Architecture != "linux/amd64" {
			t.Errorf("image platform %s/%s, want linux/amd64", cfg.Os, cfg.Architecture)
		}
	})
	t.Run("version", func(t *testing.T) {
		out := d.run(t, "run", "--rm", "--network", "host", image, "version")
		t.Logf("mgit version: %s", out)
		for _, want := range []string{os.Getenv("MGIT_E2E_VERSION"), os.Getenv("MGIT_E2E_COMMIT")} {
			if !strings.Contains(out, want) {
				t.Errorf("mgit version printed %q, want %q in it", out, want)
			}
		}
	})
	t.Run("man pages", func(t *testing.T) {
		id := d.run(t, "create", image)
		t.Cleanup(func() { d.try("rm", "-f", id) })
		dir := t.TempDir()
		d.run(t, "cp", id+":/usr/share/man/man1", dir)
		for _, page := range []string{"mgit.1", "mgit-sync.1", "mgit-health.1"} {
			b, err := os.ReadFile(filepath.Join(dir, "man1", page))
			if err != nil || !bytes.HasPrefix(b, []byte(".TH ")) {
				t.Errorf("/usr/share/man/man1/%s: %v, want a man page (.TH)", page, err)
			}
		}
	})
}

// hardened is `docker run`'s flags as docker-compose.yml hardens the
// service: read-only root, a tmpfs /tmp, no capabilities, no new
// privileges; data is the volume, env the provider, addr the listener.
func hardened(data string, env []string, addr string) []string {
	args := []string{"--network", "host", "--read-only", "--tmpfs", "/tmp:size=256m,mode=1777",
		"--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "-v", data + ":/data",
		"-e", "MGIT_METRICS_ADDR=" + addr}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	return args
}

// volumeDir is a bind-mounted /data the image's user can write, as a fresh
// named volume would be. It needs root: chown to 65532, and removing what
// 65532 wrote when the test ends.
func volumeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chown(dir, simUID, simUID); err != nil {
		t.Fatalf("chown the volume to %d (run as root, as docker-e2e.sh asks): %v", simUID, err)
	}
	return dir
}

// checkOwner: what the container wrote belongs to uid 65532, the proof
// that it ran as the nonroot user.
func checkOwner(t *testing.T, dir string, uid int) {
	t.Helper()
	var st struct{ Uid string }
	out, err := exec.Command("stat", "-c", `{"Uid":"%u"}`, dir).Output()
	if err != nil || json.Unmarshal(out, &st) != nil {
		t.Fatalf("stat %s: %v", dir, err)
	}
	if st.Uid != fmt.Sprint(uid) {
		t.Errorf("%s is owned by uid %s, want %d (the image's user)", dir, st.Uid, uid)
	}
}

// dockerCLI runs the docker client the script chose, with the caller's
// DOCKER_CONFIG kept across gittest.Isolate's new HOME.
type dockerCLI struct {
	bin, config string
}

func newDockerCLI(t *testing.T) *dockerCLI {
	t.Helper()
	bin := os.Getenv("DOCKER")
	if bin == "" {
		bin = "docker"
	}
	config := os.Getenv("DOCKER_CONFIG")
	if config == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatal(err)
		}
		config = filepath.Join(home, ".docker")
	}
	return &dockerCLI{bin: bin, config: config}
}

func (d *dockerCLI) cmd(args ...string) *exec.Cmd {
	c := exec.Command(d.bin, args...)
	c.Env = append(os.Environ(), "DOCKER_CONFIG="+d.config)
	return c
}

// run returns the trimmed stdout, failing the test with stderr.
func (d *dockerCLI) run(t *testing.T, args ...string) string {
	t.Helper()
	c := d.cmd(args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s\n%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// try runs a clean-up or diagnostic command, returning its output.
func (d *dockerCLI) try(args ...string) string {
	out, _ := d.cmd(args...).CombinedOutput()
	return string(out)
}

// waitHealthy blocks on the engine's health_status events (no polling)
// until the container is healthy, or fails when it turns unhealthy or
// exits; the deadline only ends a hung engine.
func (d *dockerCLI) waitHealthy(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, d.bin, "events", "--filter", "container="+id,
		"--filter", "event=health_status", "--filter", "event=die", "--format", "{{.Status}}")
	c.Env = append(os.Environ(), "DOCKER_CONFIG="+d.config)
	out, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	defer func() { cancel(); _ = c.Wait() }()
	// Healthy before the event stream started: no event will come.
	if s, _ := d.cmd("inspect", "-f", "{{.State.Health.Status}}", id).Output(); strings.TrimSpace(string(s)) == "healthy" {
		return nil
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		switch line := strings.TrimSpace(sc.Text()); {
		case strings.HasSuffix(line, ": healthy"):
			return nil
		case strings.HasSuffix(line, ": unhealthy") || line == "die":
			return fmt.Errorf("container %s: %s", id, line)
		}
	}
	return fmt.Errorf("container %s never turned healthy (events: %v)", id, sc.Err())
}
