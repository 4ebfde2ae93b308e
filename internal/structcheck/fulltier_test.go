package structcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// gittestPath is the package whose Sample and Full pick a test's tier.
const gittestPath = "github.com/mgit-dev/mgit/engine/git/gittest"

// fullEnvSetting marks the lines of .ci/run that run the full tier.
const fullEnvSetting = "MGIT_TEST_FULL=1"

// scaledTest is a Test or Fuzz function whose size depends on the tier:
// its quick count runs in `go test -race ./...`, the rest only where
// .ci/run sets MGIT_TEST_FULL=1.
type scaledTest struct {
	pkg  string // "./engine/git/gitobj", as .ci/run names it
	name string
	via  string // the function that calls gittest.Sample or gittest.Full
}

// TestFullTierRunsInCI keeps the promise of the test tiers (issue 14): a
// test scaled down with gittest.Sample or gittest.Full runs at full size
// in .ci/run before a change lands, so the quick tier drops no case from
// the gate. A test that scales but that no MGIT_TEST_FULL=1 line of
// .ci/run runs would check its full count nowhere.
func TestFullTierRunsInCI(t *testing.T) {
	tests, err := scaledTests(moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("no test calls gittest.Sample or gittest.Full: the scan is broken")
	}
	script, err := os.ReadFile(filepath.Join(moduleRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tests {
		t.Logf("%s %s (through %s)", s.pkg, s.name, s.via)
	}
	for _, msg := range missingFromCI(tests, string(script)) {
		t.Error(msg)
	}
}

// TestFullTierGuardFails proves the guard can fail: the real .ci/run with
// one scaled test taken out of its line must be reported, and a helper
// two calls away from gittest.Sample must make its test scaled.
func TestFullTierGuardFails(t *testing.T) {
	tests, err := scaledTests(moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(moduleRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	// TestReproducible scales through no helper of its own; taking it
	// out of difftest's line must be noticed.
	i := slices.IndexFunc(tests, func(s scaledTest) bool { return s.name == "TestReproducible" })
	if i < 0 {
		t.Fatal("internal/difftest's TestReproducible is not found as a scaled test")
	}
	fake := strings.Replace(string(script), "TestReproducible|", "", 1)
	fake = strings.Replace(fake, "|TestReproducible", "", 1)
	if fake == string(script) {
		t.Fatal("the real .ci/run does not name TestReproducible; the fake cannot drop it")
	}
	got := missingFromCI(tests, fake)
	if len(got) != 1 || !strings.Contains(got[0], "TestReproducible") || !strings.Contains(got[0], "./internal/difftest") {
		t.Errorf("fake .ci/run without TestReproducible: got %q, want one complaint naming it and its package", got)
	}

	dir := t.TempDir()
	src := `package p

import (
	"testing"

	tier "` + gittestPath + `"
)

func count() int { return tier.Sample(10, 2, 1) }

type suite struct{}

func (suite) rounds() int { return count() }

func TestViaMethod(t *testing.T) { _ = suite{}.rounds() }

func TestPlain(t *testing.T) {}

func TestFull(t *testing.T) { run := tier.Full; _ = run }
`
	if err := os.MkdirAll(filepath.Join(dir, "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p", "p_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	found, err := scaledTests(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range found {
		names = append(names, s.pkg+" "+s.name)
	}
	if want := []string{"./p TestFull", "./p TestViaMethod"}; !slices.Equal(names, want) {
		t.Errorf("scaled tests of the fake module: got %q, want %q", names, want)
	}
	script = []byte("MGIT_TEST_FULL=1 go test -count=1 -run 'TestViaMethod' ./p\ngo test -run TestFull ./p\n")
	if got := missingFromCI(found, string(script)); len(got) != 1 || !strings.Contains(got[0], "TestFull ") {
		t.Errorf("a line without MGIT_TEST_FULL=1 must not count: got %q", got)
	}
}

// scaledTests lists, sorted by package and name, the Test and Fuzz
// functions of the module under root that reach gittest.Sample or
// gittest.Full, directly or through functions, methods or variables of
// their package's test files (followed by identifier: a name that calls,
// or refers to, a scaling name scales too).
func scaledTests(root string) ([]scaledTest, error) {
	byDir := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, "_test.go") {
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []scaledTest
	for dir, files := range byDir {
		rel, _ := filepath.Rel(root, dir)
		tests, err := scaledInPackage(files)
		if err != nil {
			return nil, err
		}
		for _, s := range tests {
			s.pkg = "./" + filepath.ToSlash(rel)
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b scaledTest) int {
		return strings.Compare(a.pkg+" "+a.name, b.pkg+" "+b.name)
	})
	return out, nil
}

// scaledInPackage is scaledTests for one directory's test files (the
// package and its external _test package share the graph: names rarely
// collide, and a collision can only make the guard stricter).
func scaledInPackage(files []string) ([]scaledTest, error) {
	fset := token.NewFileSet()
	refs := map[string]map[string]bool{} // top-level name -> identifiers it uses
	via := map[string]string{}           // scaling name -> the name that calls gittest
	var tests []string
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		gt := gittestName(f)
		for _, decl := range f.Decls {
			for name, node := range declNodes(decl) {
				if refs[name] == nil {
					refs[name] = map[string]bool{}
				}
				ast.Inspect(node, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.SelectorExpr:
						if x, ok := n.X.(*ast.Ident); ok && gt != "" && x.Name == gt && (n.Sel.Name == "Sample" || n.Sel.Name == "Full") {
							via[name] = name
						}
					case *ast.Ident:
						refs[name][n.Name] = true
					}
					return true
				})
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && isTestName(fd.Name.Name) {
					tests = append(tests, fd.Name.Name)
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for name, used := range refs {
			if via[name] != "" {
				continue
			}
			for id := range used {
				if v := via[id]; v != "" && id != name {
					via[name], changed = v, true
					break
				}
			}
		}
	}
	var out []scaledTest
	for _, name := range tests {
		if via[name] != "" {
			out = append(out, scaledTest{name: name, via: via[name]})
		}
	}
	return out, nil
}

// gittestName is the name f imports gittest under, or "".
func gittestName(f *ast.File) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == gittestPath {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return "gittest"
		}
	}
	return ""
}

// declNodes names the parts of a top-level declaration: a function or
// method by its name, each package-level variable or constant by its
// own.
func declNodes(decl ast.Decl) map[string]ast.Node {
	out := map[string]ast.Node{}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		out[d.Name.Name] = d
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			if vs, ok := spec.(*ast.ValueSpec); ok {
				for _, n := range vs.Names {
					out[n.Name] = vs
				}
			}
		}
	}
	return out
}

func isTestName(name string) bool {
	return name != "TestMain" && (strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "Fuzz"))
}

// missingFromCI returns a message for each scaled test that no
// MGIT_TEST_FULL=1 line of script runs: the line must name the test's
// package and its -run pattern must match the test's name.
func missingFromCI(tests []scaledTest, script string) []string {
	lines := fullTierLines(script)
	var out []string
	for _, s := range tests {
		if slices.ContainsFunc(lines, func(l ciLine) bool { return l.runs(s) }) {
			continue
		}
		hint := fmt.Sprintf("add a line: %s go test -count=1 -run '%s' %s", fullEnvSetting, s.name, s.pkg)
		for _, l := range lines {
			if slices.Contains(l.pkgs, s.pkg) {
				hint = fmt.Sprintf("add %s to the -run list of: %s", s.name, l.text)
			}
		}
		out = append(out, fmt.Sprintf("%s (%s) scales with gittest.Sample or gittest.Full (through %s), but no %s line of .ci/run runs it, so its full count runs nowhere; %s",
			s.name, s.pkg, s.via, fullEnvSetting, hint))
	}
	return out
}

// ciLine is one `MGIT_TEST_FULL=1 go test …` command of .ci/run.
type ciLine struct {
	text string
	run  *regexp.Regexp // nil: no -run, every test
	pkgs []string
}

func (l ciLine) runs(s scaledTest) bool {
	named := slices.ContainsFunc(l.pkgs, func(p string) bool {
		return p == s.pkg || p == "./..." || (strings.HasSuffix(p, "/...") && strings.HasPrefix(s.pkg+"/", strings.TrimSuffix(p, "...")))
	})
	return named && (l.run == nil || l.run.MatchString(s.name))
}

// fullTierLines parses the commands of script that set MGIT_TEST_FULL=1
// and run go test (continuation lines joined, comments skipped).
func fullTierLines(script string) []ciLine {
	var out []ciLine
	for _, text := range strings.Split(strings.ReplaceAll(script, "\\\n", " "), "\n") {
		text = strings.TrimSpace(text)
		if strings.HasPrefix(text, "#") || !strings.Contains(text, fullEnvSetting) {
			continue
		}
		words := shellWords(text)
		i := slices.Index(words, "go")
		if i < 0 || i+1 >= len(words) || words[i+1] != "test" || !slices.Contains(words[:i], fullEnvSetting) {
			continue
		}
		l := ciLine{text: text}
		args := words[i+2:]
		for j := 0; j < len(args); j++ {
			a := args[j]
			switch {
			case a == "-run" || a == "-test.run":
				if j+1 < len(args) {
					j++
					l.run = topLevelPattern(args[j])
				}
			case strings.HasPrefix(a, "-run=") || strings.HasPrefix(a, "-test.run="):
				_, v, _ := strings.Cut(a, "=")
				l.run = topLevelPattern(v)
			case strings.HasPrefix(a, "./"):
				l.pkgs = append(l.pkgs, strings.TrimSuffix(a, "/"))
			}
		}
		out = append(out, l)
	}
	return out
}

// topLevelPattern is the part of a -run pattern that go test matches
// against top-level test names: before the first slash outside brackets
// and parentheses. A pattern that does not compile matches nothing.
func topLevelPattern(p string) *regexp.Regexp {
	depth, end := 0, len(p)
	for i, r := range p {
		switch {
		case r == '[' || r == '(':
			depth++
		case r == ']' || r == ')':
			depth--
		case r == '/' && depth == 0 && end == len(p):
			end = i
		}
	}
	p = p[:end]
	re, err := regexp.Compile(p)
	if err != nil {
		return regexp.MustCompile(`$.^`)
	}
	return re
}

// shellWords splits a command line as the shell would for the simple
// forms .ci/run uses: words separated by blanks, single and double quotes.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
