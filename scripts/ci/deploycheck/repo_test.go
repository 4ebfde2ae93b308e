package deploycheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// repoRoot is the module root: three levels above this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}

// requireDeployChecks skips a heavy test (tools, root, a binary build)
// unless MGIT_DEPLOY_CHECKS=1, in which case a missing prerequisite fails
// instead: deploy-checks.sh must never pass by skipping.
func requireDeployChecks(t *testing.T) {
	t.Helper()
	if os.Getenv("MGIT_DEPLOY_CHECKS") != "1" {
		t.Skip("set MGIT_DEPLOY_CHECKS=1 (bash scripts/ci/deploy-checks.sh does) to run this check")
	}
}

// tool finds an executable on PATH or in GOPATH/bin.
func tool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(string(trimNL(out)), "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("%s not found on PATH or in $(go env GOPATH)/bin: run bash scripts/ci/deploy-checks.sh, which installs it", name)
	return ""
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// TestLicense: the image says org.opencontainers.image.licenses="MIT" and
// the release archives ship LICENSE: the file must exist and be MIT.
func TestLicense(t *testing.T) {
	lic := string(readFile(t, filepath.Join(repoRoot(t), "LICENSE")))
	for _, want := range []string{"MIT License", "Copyright (c) 2026 the mgit authors", "THE SOFTWARE IS PROVIDED \"AS IS\""} {
		if !strings.Contains(lic, want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
	df := string(readFile(t, filepath.Join(repoRoot(t), "Dockerfile")))
	if !strings.Contains(df, `org.opencontainers.image.licenses="MIT"`) {
		t.Error("the image's licence label is not MIT, unlike LICENSE")
	}
}
