package deploycheck

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// There is no compose v2 here to run `docker compose config`, so the file's
// structure is checked: hardening, the token file, health, Prometheus.
func TestComposeFile(t *testing.T) {
	var doc object
	if err := yaml.Unmarshal(readFile(t, filepath.Join(repoRoot(t), "docker-compose.yml")), &doc); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	mgit := get(doc, "services", "mgit")
	if mgit == nil {
		t.Fatal("no mgit service")
	}
	for _, name := range []string{"mgit", "prometheus", "mgit-dev"} {
		svc := get(doc, "services", name)
		if get(svc, "read_only") != true {
			t.Errorf("%s: want read_only: true", name)
		}
		if !slices.Contains(strs(get(svc, "security_opt")), "no-new-privileges:true") {
			t.Errorf("%s: want security_opt no-new-privileges:true", name)
		}
		if !slices.Contains(strs(get(svc, "cap_drop")), "ALL") {
			t.Errorf("%s: want cap_drop ALL", name)
		}
		if len(strs(get(svc, "tmpfs"))) == 0 {
			t.Errorf("%s: want a tmpfs /tmp (the root is read-only)", name)
		}
	}
	if u := get(mgit, "user"); u != "65532:65532" {
		t.Errorf("mgit user %v, want 65532:65532", u)
	}
	cmd := strs(get(mgit, "command"))
	if len(cmd) < 2 || cmd[0] != "sync" || !slices.Contains(cmd, "--no-tui") {
		t.Errorf("mgit command %q: want sync QUERY --no-tui …", cmd)
	}
	// The listener and the healthcheck follow one setting.
	if get(mgit, "environment", "MGIT_METRICS_ADDR") != "0.0.0.0:9090" || slices.Contains(cmd, "--metrics-addr") {
		t.Errorf("mgit: want MGIT_METRICS_ADDR 0.0.0.0:9090 in the environment and no --metrics-addr in the command")
	}
	if hc := strs(get(mgit, "healthcheck", "test")); len(hc) != 3 || hc[0] != "CMD" || hc[1] != "/mgit" || hc[2] != "health" {
		t.Errorf("healthcheck %q: want [CMD, /mgit, health] (no shell, no curl; the address from MGIT_METRICS_ADDR)", hc)
	}
	// No config file: the provider from the environment (item: a bare
	// container must sync from its environment alone).
	if get(mgit, "environment", "MGIT_PROVIDER") == nil || get(mgit, "environment", "MGIT_CONFIG") != nil {
		t.Error("mgit: want MGIT_PROVIDER in the environment and no MGIT_CONFIG file to provide")
	}
	// Compose refuses an inline config (configs: content:) for a read-only
	// service, and Docker creates a missing bind-mounted directory as
	// root, which the services' nonroot users cannot write: configuration
	// comes in as read-only files of this repository, data lives in named
	// volumes.
	if get(doc, "configs") != nil {
		t.Error("top-level configs: use read-only file mounts (Compose refuses configs: content: for a read-only service)")
	}
	names := asMap(get(doc, "volumes"))
	for name, svc := range asMap(get(doc, "services")) {
		for _, v := range strs(get(svc, "volumes")) {
			src, rest, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				target, mode, _ := strings.Cut(rest, ":")
				if mode != "ro" {
					t.Errorf("%s: bind mount %s is writable: mount data as a named volume", name, v)
				}
				if fi, err := os.Stat(filepath.Join(repoRoot(t), src)); err != nil || fi.IsDir() {
					t.Errorf("%s: bind mount %s -> %s: want an existing file of this repository", name, src, target)
				}
			} else if _, ok := names[src]; !ok {
				t.Errorf("%s: volume %s is not declared under volumes:", name, src)
			}
		}
	}
	if !slices.Contains(strs(get(doc, "services", "mgit-dev", "volumes")), "mgit-dev-data:/data") {
		t.Errorf("mgit-dev volumes %q: want the named volume mgit-dev-data:/data", strs(get(doc, "services", "mgit-dev", "volumes")))
	}
	if get(mgit, "env_file", 0, "path") == nil {
		t.Error("mgit: tokens should come from an env_file")
	}
	// No token literal anywhere in the environment.
	secret := regexp.MustCompile(`(?i)(token|password|secret)`)
	for k := range asMap(get(mgit, "environment")) {
		if secret.MatchString(k) {
			t.Errorf("mgit environment sets %s: tokens belong in the env file", k)
		}
	}
	for _, v := range strs(get(mgit, "ports")) {
		if !strings.HasPrefix(v, "127.0.0.1:") {
			t.Errorf("port %s is published beyond loopback", v)
		}
	}
	if !slices.Contains(strs(get(doc, "services", "mgit-dev", "profiles")), "dev") {
		t.Error("mgit-dev is not in the dev profile")
	}
	if !slices.Contains(strs(get(doc, "services", "prometheus", "volumes")), "./deploy/compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro") {
		t.Error("prometheus: deploy/compose/prometheus.yml is not mounted as its configuration")
	}
	if prom := string(readFile(t, filepath.Join(repoRoot(t), "deploy", "compose", "prometheus.yml"))); !strings.Contains(prom, "mgit:9090") {
		t.Errorf("the Prometheus config does not scrape mgit:9090:\n%v", prom)
	}
	// `mgit-data:` declares the volume with an empty (nil) value, so the
	// key's presence is what counts, and mgit must mount it at /data.
	if _, ok := asMap(get(doc, "volumes"))["mgit-data"]; !ok {
		t.Error("no top-level named volume mgit-data")
	}
	if !slices.Contains(strs(get(mgit, "volumes")), "mgit-data:/data") {
		t.Errorf("mgit volumes %q: want mgit-data:/data", strs(get(mgit, "volumes")))
	}
}

func asMap(v any) object {
	m, _ := v.(object)
	return m
}
