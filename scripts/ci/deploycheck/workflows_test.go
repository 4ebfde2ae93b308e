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

// actionlint checks syntax and expressions (deploy-checks.sh runs it); this
// test checks what it does not: every action pinned to a full commit SHA
// with its version in a comment, and each workflow doing its job.
//
// A tag is mutable: it can be moved to other code (trivy-action's tags
// were re-created after the 2026 tag compromise), so jobs that push and
// sign would run whatever the tag points to today. A commit SHA cannot be
// moved; the comment tells Dependabot and people which release it is.
var (
	usesLine = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(.*))?$`)
	shaPin   = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)
	versionC = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
)

// pinProblem says what is wrong with one `uses:` value and its comment,
// or "" when it is a local workflow/action or pinned by SHA with a
// # vX.Y.Z comment.
func pinProblem(uses, comment string) string {
	switch {
	case strings.HasPrefix(uses, "./"):
		return ""
	case strings.HasPrefix(uses, "docker://"):
		if !strings.Contains(uses, "@sha256:") {
			return "pin the image by digest (docker://IMAGE@sha256:…)"
		}
		return ""
	case !shaPin.MatchString(uses):
		return "pin it by full 40-hex commit SHA (OWNER/REPO@SHA # vX.Y.Z), not a tag or branch"
	case !versionC.MatchString(strings.TrimSpace(comment)):
		return "add the release the SHA is, as a comment: # vX.Y.Z"
	}
	return ""
}

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
		// Every uses: of the parsed document is found on a line too, so
		// no form of writing it escapes the line check below.
		var parsed []string
		for _, j := range asMap(doc["jobs"]) {
			if uses, ok := get(j, "uses").(string); ok {
				parsed = append(parsed, uses)
			}
			steps, _ := get(j, "steps").([]any)
			for _, s := range steps {
				if uses, ok := get(s, "uses").(string); ok {
					parsed = append(parsed, uses)
				}
			}
		}
		var lines []string
		for i, line := range strings.Split(src, "\n") {
			m := usesLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			lines = append(lines, m[1])
			if p := pinProblem(m[1], m[2]); p != "" {
				t.Errorf("%s:%d: %s: %s", name, i+1, m[1], p)
			}
		}
		if !slices.Equal(sorted(parsed), sorted(lines)) {
			t.Errorf("%s: uses: found by lines %q differ from the document's %q: write each uses: on one line", name, lines, parsed)
		}
		if get(doc, "permissions") == nil {
			t.Errorf("%s: set top-level permissions (least privilege)", name)
		}
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestPinProblemCatches: the pin rule refuses what it should.
func TestPinProblemCatches(t *testing.T) {
	sha := "3d3c42e5aac5ba805825da76410c181273ba90b1"
	for _, c := range []struct {
		uses, comment string
		ok            bool
	}{
		{"actions/checkout@" + sha, "v7.0.1", true},
		{"github/codeql-action/upload-sarif@" + sha, "v4.36.2", true},
		{"./.github/workflows/deploy.yml", "", true},
		{"aquasecurity/trivy-action@0.28.0", "", false},
		{"actions/checkout@v4.2.2", "", false},
		{"actions/checkout@v4", "", false},
		{"actions/checkout@main", "", false},
		{"actions/checkout@" + sha[:39], "v7.0.1", false},
		{"actions/checkout@" + sha, "", false},
		{"actions/checkout@" + sha, "v7", false},
		{"docker://alpine:3.20", "", false},
		{"docker://alpine@sha256:" + strings.Repeat("a", 64), "", true},
	} {
		if got := pinProblem(c.uses, c.comment) == ""; got != c.ok {
			t.Errorf("pinProblem(%q, %q) accepts = %v, want %v", c.uses, c.comment, got, c.ok)
		}
	}
}

// TestDependabot: something keeps the pins, the modules and the base
// images current, or SHA pins would quietly age.
func TestDependabot(t *testing.T) {
	var doc object
	if err := yaml.Unmarshal(readFile(t, filepath.Join(repoRoot(t), ".github", "dependabot.yml")), &doc); err != nil {
		t.Fatalf(".github/dependabot.yml: %v", err)
	}
	if get(doc, "version") != 2 {
		t.Errorf("dependabot.yml version %v, want 2", get(doc, "version"))
	}
	seen := map[string]bool{}
	updates, _ := get(doc, "updates").([]any)
	for _, u := range updates {
		eco, _ := get(u, "package-ecosystem").(string)
		seen[eco] = true
		if get(u, "directory") == nil || get(u, "schedule", "interval") == nil {
			t.Errorf("dependabot %s: want directory and schedule.interval", eco)
		}
	}
	for _, want := range []string{"github-actions", "gomod", "docker"} {
		if !seen[want] {
			t.Errorf("dependabot.yml does not update %s", want)
		}
	}
}

func TestWorkflowsDoTheirJob(t *testing.T) {
	wf := loadWorkflows(t)
	must := map[string][]string{
		"ci.yml": {"go test -race ./...", "go vet ./...", "staticcheck", "scripts/ci/security-checks.sh", "actionlint", "shellcheck",
			"scripts/ci/deploy-checks.sh", "goos: [linux, darwin, windows]", "goarch: [amd64, arm64]",
			// Compose as the docker guide runs it, in a real engine.
			"docker compose up --wait",
			// The image's end-to-end test, as the checklist runs it.
			"bash scripts/ci/docker-e2e.sh",
			// Runs on main are never cancelled by a newer push.
			"cancel-in-progress: ${{ github.ref != 'refs/heads/main' }}",
			// helm as a pinned release binary, not built from source.
			"azure/setup-helm", "version: v3.22.0",
			"GOTOOLCHAIN: go1.27.3", "app.buildCommit="},
		"docker-publish.yml": {"docker/setup-buildx-action", "platforms: linux/amd64,linux/arm64", "trivy-action",
			"sbom: true", "cosign sign", "id-token: write", "docker/metadata-action",
			// Each platform's binary is checked to be of that platform.
			"--target binary", "scripts/ci/check-arch.sh", "for platform in linux/amd64 linux/arm64"},
		"release.yml": {"tags: [\"v*.*.*\"]", "sha256sum", "git log", "gh release create", "docker-publish.yml",
			"goos: [linux, darwin, windows]", "app.buildCommit=${GITHUB_SHA}", "GOARCH=${GOARCH}",
			"cyclonedx-gomod", "cosign sign-blob", "checksums.txt.sigstore.json", "helm package", "LICENSE",
			// The deployment is called, not left to a release event that
			// GITHUB_TOKEN's releases never send.
			"uses: ./.github/workflows/deploy.yml", "version: ${{ github.ref_name }}"},
		"deploy.yml": {"name: staging", "name: production", "needs: staging", "scripts/deploy.sh --target helm --env staging",
			"scripts/deploy.sh --target helm --env production", "workflow_call:", "workflow_dispatch:",
			"ref: refs/tags/${{ inputs.version }}"},
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
	// A release event never reaches deploy.yml (GITHUB_TOKEN's events start
	// no workflow): it must not pretend to listen for one.
	if strings.Contains(wf["deploy.yml"], "release:") {
		t.Error("deploy.yml listens for release events, which a GITHUB_TOKEN release never sends: release.yml calls it")
	}
	// deploy.sh is what gives deploy.yml its --atomic upgrade, smoke test
	// and rollback; the smoke test runs inside the pods (`mgit health
	// --ready`), not through the API server's proxy, which private
	// clusters block.
	script := string(readFile(t, filepath.Join(repoRoot(t), "scripts", "deploy.sh")))
	if strings.Contains(script, "/proxy/") {
		t.Error("scripts/deploy.sh reaches the pods through the API server proxy")
	}
	for _, w := range []string{"--atomic", "health --ready", "rollout status", "rollback.sh"} {
		if !strings.Contains(script, w) {
			t.Errorf("scripts/deploy.sh lacks %q", w)
		}
	}
}
