package deploycheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// elfHeader is the first 20 bytes of a 64-bit little-endian ELF file for
// machine (62 x86-64, 183 aarch64).
func elfHeader(machine uint16) []byte {
	h := make([]byte, 64)
	copy(h, "\x7fELF")
	h[4], h[5], h[6] = 2, 1, 1 // 64 bit, little endian, version 1
	h[16] = 2                  // ET_EXEC
	h[18], h[19] = byte(machine), byte(machine>>8)
	return h
}

// TestCheckArch: scripts/ci/check-arch.sh, which docker-publish.yml runs on
// each platform's binary, tells amd64 from arm64 and refuses what is not a
// 64-bit ELF file — the check that would have caught the arm64 image
// holding an x86-64 binary.
func TestCheckArch(t *testing.T) {
	script := filepath.Join(repoRoot(t), "scripts", "ci", "check-arch.sh")
	dir := t.TempDir()
	files := map[string][]byte{
		"amd64":  elfHeader(62),
		"arm64":  elfHeader(183),
		"riscv":  elfHeader(243),
		"text":   []byte("#!/bin/sh\necho not an ELF file at all\n"),
		"short":  []byte("\x7fELF"),
		"elf32":  append([]byte("\x7fELF\x01\x01\x01"), make([]byte, 40)...),
		"bigend": append([]byte("\x7fELF\x02\x02\x01"), make([]byte, 40)...),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := func(file, arch string) (int, string) {
		out, err := exec.Command("bash", script, filepath.Join(dir, file), arch).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	for _, c := range []struct {
		file, arch string
		code       int
		want       string
	}{
		{"amd64", "amd64", 0, "ok"},
		{"arm64", "arm64", 0, "ok"},
		{"amd64", "arm64", 1, "built for amd64, want arm64"},
		{"arm64", "amd64", 1, "built for arm64, want amd64"},
		{"riscv", "arm64", 1, "e_machine 243"},
		{"text", "amd64", 1, "not an ELF file"},
		{"short", "amd64", 1, "not an ELF file"},
		{"elf32", "amd64", 1, "not a 64-bit little-endian"},
		{"bigend", "arm64", 1, "not a 64-bit little-endian"},
		{"missing", "amd64", 1, "no such file"},
		{"amd64", "386", 2, "unknown GOARCH"},
	} {
		code, out := run(c.file, c.arch)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("check-arch.sh %s %s: exit %d %q, want %d and %q", c.file, c.arch, code, out, c.code, c.want)
		}
	}
	// A real binary: the go command running this test is of this machine.
	if runtime.GOOS == "linux" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") {
		goBin, err := exec.LookPath("go")
		if err != nil {
			t.Skip("no go on PATH")
		}
		goBin, _ = filepath.EvalSymlinks(goBin)
		if out, err := exec.Command("bash", script, goBin, runtime.GOARCH).CombinedOutput(); err != nil {
			t.Errorf("check-arch.sh on %s (%s): %v %s", goBin, runtime.GOARCH, err, out)
		}
	}
}

// TestNoArchitectureSpecificSource: deploy-checks.sh cross-compiles for
// darwin and windows but not linux/arm64, because linux/arm64 would compile
// the same files as the linux/amd64 build every CI run makes. That holds
// while no package of the module picks files by architecture (a
// *_arm64.go file or a build tag naming one); this test fails when one
// does, and then linux/arm64 belongs back in the cross-compile step.
func TestNoArchitectureSpecificSource(t *testing.T) {
	list := func(arch string) string {
		cmd := exec.Command("go", "list", "-e", "-f",
			"{{.ImportPath}} {{.GoFiles}} {{.CgoFiles}} {{.SFiles}} {{.TestGoFiles}} {{.XTestGoFiles}}", "./...")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list for linux/%s: %v", arch, err)
		}
		return string(out)
	}
	amd, arm := list("amd64"), list("arm64")
	if amd == arm {
		return
	}
	a, b := strings.Split(amd, "\n"), strings.Split(arm, "\n")
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			t.Fatalf("linux/amd64 and linux/arm64 compile different files; add linux/arm64 back to the cross-compile step of scripts/ci/deploy-checks.sh:\n amd64: %s\n arm64: %s", a[i], b[i])
		}
	}
	t.Fatalf("linux/amd64 and linux/arm64 list different packages (%d and %d lines)", len(a), len(b))
}
