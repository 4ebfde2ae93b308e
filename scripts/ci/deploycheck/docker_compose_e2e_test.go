package deploycheck

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// composeProject is the project the test brings up and removes, apart
// from a `docker compose up` of the real project (name: mgit).
const composeProject = "mgit-e2e"

// composeUp brings docker-compose.yml up with `--wait`, as CI's compose
// job does, with the image under test and the provider from the
// environment, and checks mgit turned healthy, mirrored the repositories
// into its volume and serves its metrics, and Prometheus is ready.
//
// The override only adapts the network: both services share the host's
// network (the fake forge is on 127.0.0.1, the only place mgit accepts a
// plain-http provider), so published ports are dropped, each listener gets
// a free loopback port, and Prometheus scrapes mgit there instead of at
// mgit:9090. Everything else — hardening, user, env file, healthcheck,
// command, volumes — is the real file's.
func composeUp(t *testing.T, d *dockerCLI, image string, env []string, heads map[string]string) {
	root := repoRoot(t)
	dir := t.TempDir()
	mgitAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))

	writeOverride(t, dir, mgitAddr, promAddr)

	// The token in a 0600 env file, as the guide says; the provider in the
	// environment compose interpolates.
	var token, provider []string
	for _, e := range env {
		if strings.HasPrefix(e, "MGIT_TOKEN_") {
			token = append(token, e)
		} else {
			provider = append(provider, e)
		}
	}
	envFile := filepath.Join(dir, "mgit.env")
	write(t, envFile, []byte(strings.Join(token, "\n")+"\n"), 0o600)
	name, tag := image, "latest"
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		name, tag = image[:i], image[i+1:]
	}
	compose := func(args ...string) *dockerCmd {
		c := d.cmd(append([]string{"compose", "-p", composeProject, "-f", filepath.Join(root, "docker-compose.yml"),
			"-f", filepath.Join(dir, "override.yml")}, args...)...)
		c.Env = append(c.Env, provider...)
		c.Env = append(c.Env, "MGIT_IMAGE="+name, "MGIT_VERSION="+tag, "MGIT_QUERY=demo/*",
			"MGIT_ENV_FILE="+envFile, "MGIT_INTERVAL=1h")
		return &dockerCmd{c}
	}
	compose("--profile", "dev", "down", "--volumes").try()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("compose logs:\n%s", compose("logs", "--no-color").try())
		}
		compose("--profile", "dev", "down", "--volumes").try()
	})
	if out, err := compose("up", "--wait", "--wait-timeout", "180").output(); err != nil {
		t.Fatalf("docker compose up --wait: %v\n%s", err, out)
	}
	t.Logf("docker compose up --wait: healthy\n%s", compose("ps").try())

	if code, body := httpGet(t, "http://"+mgitAddr+"/healthz"); code != 200 {
		t.Errorf("mgit /healthz: %d %s", code, body)
	}
	if code, body := httpGet(t, "http://"+mgitAddr+"/metrics"); code != 200 || !strings.Contains(body, "mgit_build_info") {
		t.Errorf("mgit /metrics: %d, want mgit_build_info in it", code)
	}
	if code, body := httpGet(t, "http://"+promAddr+"/-/ready"); code != 200 {
		t.Errorf("prometheus /-/ready: %d %s", code, body)
	}
	// The first cycle ran before the healthcheck passed: its mirrors are in
	// the volume.
	repos := t.TempDir()
	if out, err := compose("cp", "mgit:/data/repos", repos).output(); err != nil {
		t.Fatalf("docker compose cp: %v\n%s", err, out)
	}
	checkRepos(t, filepath.Join(repos, "repos"), heads)

	// The dev profile, as CI runs it: the image built from this checkout by
	// compose, one --once cycle with debug logs into its own volume.
	if out, err := compose("--profile", "dev", "run", "--rm", "--build", "mgit-dev").output(); err != nil {
		t.Fatalf("docker compose --profile dev run --rm --build mgit-dev: %v\n%s", err, out)
	}
}

// writeOverride writes dir/override.yml and the Prometheus configuration
// it mounts: the real one, scraping mgit at mgitAddr.
func writeOverride(t *testing.T, dir, mgitAddr, promAddr string) {
	t.Helper()
	root := repoRoot(t)
	prom := strings.ReplaceAll(string(readFile(t, filepath.Join(root, "deploy", "compose", "prometheus.yml"))), "mgit:9090", mgitAddr)
	write(t, filepath.Join(dir, "prometheus.yml"), []byte(prom), 0o644)
	override := fmt.Sprintf(`services:
  mgit:
    network_mode: host
    ports: !reset []
    environment:
      MGIT_METRICS_ADDR: %[1]s
  prometheus:
    network_mode: host
    ports: !reset []
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --storage.tsdb.path=/prometheus
      - --web.listen-address=%[2]s
    volumes: !override
      - %[3]s:/etc/prometheus/prometheus.yml:ro
      - %[4]s:/etc/prometheus/alerts.yml:ro
      - prometheus-data:/prometheus
  mgit-dev:
    network_mode: host
    build:
      network: host
    environment:
      MGIT_METRICS_ADDR: %[5]s
`, mgitAddr, promAddr, filepath.Join(dir, "prometheus.yml"), filepath.Join(root, "deploy", "prometheus", "alerts.yml"),
		fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	write(t, filepath.Join(dir, "override.yml"), []byte(override), 0o644)
}

// dockerCmd is one prepared docker command.
type dockerCmd struct{ c *exec.Cmd }

func (c *dockerCmd) output() (string, error) {
	out, err := c.c.CombinedOutput()
	return string(out), err
}

func (c *dockerCmd) try() string {
	out, _ := c.output()
	return out
}
