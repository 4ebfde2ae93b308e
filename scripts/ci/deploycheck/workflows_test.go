package deploycheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// actionlint checks syntax and expressions (deploy-checks.sh runs it); this
// test checks what it does not: every action pinned to a full version (or
// a commit), and each workflow doing its job.
var pinned = regexp.MustCompile(`^[^@]+@(v?\d+\.\d+\.\d+|[0-9a-f]{40})$`)

func loadWorkflows(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), ".github", "workflows")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yml") {
			out[e.Name()] = string(readFile(t, filepath.Join(dir, e.Name())))
		}
	}
	return out
}

func TestWorkflowsPinned(t *testing.T) {
	for name, src := range loadWorkflows(t) {
		var doc object
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for job, j := range asMap(doc["jobs"]) {
			if uses, ok := get(j, "uses").(string); ok && !strings.HasPrefix(uses, "./") && !pinned.MatchString(uses) {
				t.Errorf("%s: job %s uses %s: pin a full version", name, job, uses)
			}
			steps, _ := get(j, "steps").([]any)
			for _, s := range steps {
				uses, ok := get(s, "uses").(string)
				if ok && !pinned.MatchString(uses) {
					t.Errorf("%s: job %s: %s is not pinned to a full version (vX.Y.Z) or a commit", name, job, uses)
				}
			}
		}
		if get(doc, "permissions") == nil {
			t.Errorf("%s: set top-level permissions (least privilege)", name)
		}
	}
}

func TestWorkflowsDoTheirJob(t *testing.T) {
	wf := loadWorkflows(t)
	must := map[string][]string{
		"ci.yml": {"go test -race ./...", "go vet ./...", "staticcheck", "scripts/ci/security-checks.sh", "actionlint", "shellcheck",
			"scripts/ci/deploy-checks.sh", "goos: [linux, darwin, windows]", "goarch: [amd64, arm64]"},
		"docker-publish.yml": {"docker/setup-buildx-action", "platforms: linux/amd64,linux/arm64", "trivy-action",
			"sbom: true", "cosign sign", "id-token: write", "docker/metadata-action"},
		"release.yml": {"tags: [\"v*.*.*\"]", "sha256sum", "git log", "gh release create", "docker-publish.yml",
			"goos: [linux, darwin, windows]"},
		"deploy.yml": {"name: staging", "name: production", "needs: staging", "scripts/deploy.sh --target helm --env staging",
			"scripts/deploy.sh --target helm --env production"},
	}
	for name, wants := range must {
		src, ok := wf[name]
		if !ok {
			t.Errorf("missing workflow %s", name)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(src, w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
	// deploy.sh is what gives deploy.yml its --atomic upgrade, smoke test
	// and rollback.
	script := string(readFile(t, filepath.Join(repoRoot(t), "scripts", "deploy.sh")))
	for _, w := range []string{"--atomic", "/readyz", "rollback.sh"} {
		if !strings.Contains(script, w) {
			t.Errorf("scripts/deploy.sh lacks %q", w)
		}
	}
}
