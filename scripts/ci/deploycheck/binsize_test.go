package deploycheck

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The binary's budget (issue 14): the stripped linux/amd64 release binary
// and the non-standard packages linked into it. The arm64 binary is smaller.
const (
	maxBinaryBytes = 18 << 20
	maxPackages    = 300
)

// releaseEnv is the environment the Dockerfile and the release workflow
// build in, for linux/amd64.
func releaseEnv() []string {
	return append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=")
}

// TestBinaryBudget: the stripped binary, built as the Dockerfile builds it,
// stays within 18 MiB and 300 non-standard packages, and nothing in it
// calls reflect's Method or MethodByName with a computed argument. Such a
// call (text/template's, reached through cobra's Set*Template; godbus's
// Export) makes the linker keep every exported method of every type that
// reaches an interface: 4.5 MB of mgit's binary once did.
func TestBinaryBudget(t *testing.T) {
	requireDeployChecks(t)
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "mgit")
	// -dumpdep prints the linker's reachability graph on stderr; the
	// binary is the one the same flags without it make.
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", bin,
		"-ldflags", "-s -w -dumpdep -X github.com/mgit-dev/mgit/app.buildVersion=v0.0.0-budget", ".")
	build.Dir = root
	build.Env = releaseEnv()
	var dump, errOut bytes.Buffer
	build.Stdout, build.Stderr = &errOut, &dump
	if err := build.Run(); err != nil {
		t.Fatalf("build the release binary: %v\n%s\n%s", err, errOut.String(), tail(dump.String(), 2000))
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stripped linux/amd64 binary: %d bytes (%.2f MiB, budget %d MiB)", fi.Size(), float64(fi.Size())/(1<<20), maxBinaryBytes>>20)
	if fi.Size() > maxBinaryBytes {
		t.Errorf("the stripped binary is %d bytes, over the %d-byte budget: measure with `go tool nm -size -sort size` on an unstripped build what grew", fi.Size(), maxBinaryBytes)
	}
	if callers := reflectMethodCallers(dump.Bytes()); len(callers) > 0 {
		t.Errorf("the linker keeps every exported method: reflect.Method/MethodByName reached from %s "+
			"(text/template is reached by cobra's SetUsageTemplate/SetHelpTemplate/SetVersionTemplate; use the Set*Func forms or a flag of our own)",
			strings.Join(callers, ", "))
	}

	list := exec.Command("go", "list", "-deps", ".")
	list.Dir = root
	list.Env = releaseEnv()
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	n := len(nonStandard(out))
	t.Logf("non-standard packages linked: %d (budget %d)", n, maxPackages)
	if n > maxPackages {
		t.Errorf("%d non-standard packages, over the budget of %d: `go mod why -m` says who brought the new ones", n, maxPackages)
	}
}

// reflectMethodCallers are the functions the linker marked <ReflectMethod>
// in a -dumpdep graph: each disables dead-method elimination.
func reflectMethodCallers(dump []byte) []string {
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		from, _, ok := strings.Cut(sc.Text(), " -> ")
		if name, marked := strings.CutSuffix(from, " <ReflectMethod>"); ok && marked {
			seen[name] = true
		}
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// nonStandard are the packages of a `go list -deps` output outside the
// standard library (a dot in the path, as the issue counts them: vendored
// golang.org/x packages of the standard library included) and outside the
// module itself.
func nonStandard(list []byte) []string {
	var pkgs []string
	for _, p := range strings.Fields(string(list)) {
		if strings.Contains(p, ".") && !strings.HasPrefix(p, "github.com/mgit-dev/") {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestBudgetParsers: the two parsers above on the shapes they read, so that
// a change of -dumpdep's format cannot turn the method check into a pass.
func TestBudgetParsers(t *testing.T) {
	dump := []byte("main.main -> fmt.Println\n" +
		"text/template.(*state).evalField <ReflectMethod> -> reflect.Value.MethodByName\n" +
		"text/template.(*state).evalField <ReflectMethod> -> reflect.Value.Method\n" +
		"github.com/godbus/dbus.getMethods <ReflectMethod> -> reflect.Type.Method\n" +
		"type:reflect.Value <UsedInIface> -> reflect.Value.Methods\n")
	got := reflectMethodCallers(dump)
	if strings.Join(got, ",") != "github.com/godbus/dbus.getMethods,text/template.(*state).evalField" {
		t.Errorf("reflectMethodCallers = %v", got)
	}
	if got := reflectMethodCallers([]byte("main.main -> fmt.Println\n")); len(got) != 0 {
		t.Errorf("no marks: %v", got)
	}
	list := []byte("fmt\nvendor/golang.org/x/net/idna\ngithub.com/spf13/cobra\ngithub.com/mgit-dev/mgit/app\ngithub.com/mgit-dev/mgit\n")
	if got := nonStandard(list); strings.Join(got, ",") != "vendor/golang.org/x/net/idna,github.com/spf13/cobra" {
		t.Errorf("nonStandard = %v", got)
	}
}
