package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule lays out a module in a temporary directory: files maps a
// slash path to its content.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.26\n"
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func check(t *testing.T, dir, platform string, tests bool) Result {
	t.Helper()
	goos, goarch, _ := strings.Cut(platform, "/")
	res, err := Check(Options{Dir: dir, GOOS: goos, GOARCH: goarch, Tests: tests, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("%s: %v", platform, err)
	}
	return res
}

// A file only windows selects is checked for windows, and only there: the
// failure go build for windows would have reported, and no other.
func TestPlatformOnlyFileFails(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"p/p.go":           "package p\n\nimport \"fmt\"\n\nfunc Hello() string { return fmt.Sprint(\"hello\", pid()) }\n",
		"p/pid_unix.go":    "//go:build !windows\n\npackage p\n\nimport \"os\"\n\nfunc pid() int { return os.Getpid() }\n",
		"p/pid_windows.go": "package p\n\nfunc pid() int { return processID() }\n",
		"cmd/m/main.go":    "package main\n\nimport \"example.com/m/p\"\n\nfunc main() { println(p.Hello()) }\n",
	})
	for _, platform := range []string{"linux/amd64", "darwin/arm64"} {
		if res := check(t, dir, platform, false); len(res.Errors) > 0 || res.Module != 2 {
			t.Errorf("%s: %d module packages, errors %q; want 2 and none", platform, res.Module, res.Errors)
		}
	}
	res := check(t, dir, "windows/amd64", false)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "pid_windows.go:3:") || !strings.Contains(res.Errors[0], "undefined: processID") {
		t.Errorf("windows/amd64: errors %q, want the one undefined processID in pid_windows.go", res.Errors)
	}
	// main imports a package that did not type-check: reported once, at p.
	if res.Module != 2 {
		t.Errorf("windows/amd64: %d module packages, want 2", res.Module)
	}
}

// An import only one platform's file makes, of a package that does not
// exist, fails there (go list's error), as go build would.
func TestPlatformOnlyImportFails(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"q/q.go":        "package q\n\nconst N = 1\n",
		"q/q_darwin.go": "package q\n\nimport _ \"example.com/m/missing\"\n",
	})
	if res := check(t, dir, "windows/amd64", false); len(res.Errors) > 0 {
		t.Errorf("windows/amd64: %q, want none", res.Errors)
	}
	res := check(t, dir, "darwin/arm64", false)
	if len(res.Errors) == 0 || !strings.Contains(strings.Join(res.Errors, "\n"), "missing") {
		t.Errorf("darwin/arm64: %q, want the missing package", res.Errors)
	}
}

// -test adds test files: an error only in a windows test file is found
// with it and not without.
func TestTestFiles(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"r/r.go":              "package r\n\nfunc R() int { return 1 }\n",
		"r/r_windows_test.go": "package r\n\nimport \"testing\"\n\nfunc TestR(t *testing.T) { _ = undefinedInTest }\n",
		"r/x_test.go":         "package r_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/r\"\n)\n\nfunc TestX(t *testing.T) { _ = r.R() }\n",
	})
	if res := check(t, dir, "windows/amd64", false); len(res.Errors) > 0 {
		t.Errorf("without tests: %q, want none", res.Errors)
	}
	if res := check(t, dir, "darwin/arm64", true); len(res.Errors) > 0 {
		t.Errorf("darwin with tests: %q, want none", res.Errors)
	}
	res := check(t, dir, "windows/amd64", true)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "undefined: undefinedInTest") {
		t.Errorf("windows with tests: %q, want undefinedInTest", res.Errors)
	}
}
