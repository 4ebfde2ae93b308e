package structcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The budget of issue 14 ("Done when").
const (
	maxFuncLines = 80
	maxFileLines = 500
	maxMethods   = 25
)

// moduleRoot is two directories up: internal/structcheck sits in the module.
const moduleRoot = "../.."

// productionFiles are the module's non-test Go files, skipping testdata and
// hidden directories (which hold no production code).
func productionFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != moduleRoot && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no production files found under the module root")
	}
	return files
}

// finding is one breach of the budget. key names it stably (no line
// numbers) for known.txt.
type finding struct {
	key   string
	where string
	what  string
}

// check returns every breach of the line budgets in the given files; the
// method budget is methodSets' (it needs the packages type-checked).
func check(fset *token.FileSet, files []string) ([]finding, error) {
	var out []finding
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(moduleRoot, path)
		tf := fset.File(f.Pos())
		if n := tf.LineCount(); n > maxFileLines {
			out = append(out, finding{rel, rel, fmt.Sprintf("file has %d lines (> %d)", n, maxFileLines)})
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if n := funcLines(fset, fd); n > maxFuncLines {
				out = append(out, finding{rel + ":" + funcName(fd), fmt.Sprintf("%s:%d", rel, fset.Position(fd.Pos()).Line),
					fmt.Sprintf("func %s has %d lines (> %d, tables aside)", funcName(fd), n, maxFuncLines)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out, nil
}

// funcLines is the length of fd in lines, less the lines of the composite
// literals (tables) it holds: a long table of cases is data, not logic.
func funcLines(fset *token.FileSet, fd *ast.FuncDecl) int {
	start, end := fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line
	n := end - start + 1
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		cl, ok := node.(*ast.CompositeLit)
		if !ok {
			return true
		}
		// A literal on one line costs its line; a multi-line one counts
		// as the line that opens it.
		n -= fset.Position(cl.End()).Line - fset.Position(cl.Pos()).Line
		return false
	})
	return n
}

func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return fmt.Sprintf("%T", e)
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		return "(" + receiverName(fd.Recv.List[0].Type) + ")." + fd.Name.Name
	}
	return fd.Name.Name
}

// knownFile lists the breaches that predate the check, one key a line
// with a "# why" comment; the list may only shrink.
const knownFile = "known.txt"

// readKnown reads knownFile's keys.
func readKnown(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(knownFile)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			known[line] = true
		}
	}
	return known
}

// TestBudget fails on every production function over 80 lines, file over
// 500 lines and type with over 25 methods in the module that known.txt
// does not list, and on every known.txt entry that is no longer a breach
// (remove it: the list only shrinks).
func TestBudget(t *testing.T) {
	found, err := check(token.NewFileSet(), productionFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	sets, err := methodSetFindings()
	if err != nil {
		t.Fatal(err)
	}
	found = append(found, sets...)
	known := readKnown(t)
	for _, f := range found {
		if known[f.key] {
			delete(known, f.key)
			continue
		}
		t.Errorf("%s: %s (key %q)", f.where, f.what, f.key)
	}
	for k := range known {
		t.Errorf("%s: in %s but within budget now; remove the line", k, knownFile)
	}
	if testing.Verbose() {
		for _, f := range found {
			t.Logf("known: %s: %s", f.where, f.what)
		}
	}
}

// TestCheckFindsBreaches proves the check sees each kind of breach of the
// line budgets: a function over the limit and a file over the limit, while
// a long table inside a short function passes.
func TestCheckFindsBreaches(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("package p\n\nfunc long() {\n")
	for i := 0; i < maxFuncLines; i++ {
		b.WriteString("\tprintln()\n")
	}
	b.WriteString("}\n\nfunc table() []int {\n\treturn []int{\n")
	for i := 0; i < maxFuncLines*2; i++ {
		fmt.Fprintf(&b, "\t\t%d,\n", i)
	}
	b.WriteString("\t}\n}\n")
	for i := 0; i < maxFileLines; i++ {
		b.WriteString("// padding\n")
	}
	path := filepath.Join(dir, "p.go")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	found, err := check(token.NewFileSet(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.what)
	}
	want := []string{"file has", "func long has"}
	if len(got) != len(want) {
		t.Fatalf("findings = %q, want one each of %q", got, want)
	}
	for _, w := range want {
		ok := false
		for _, g := range got {
			ok = ok || strings.Contains(g, w)
		}
		if !ok {
			t.Errorf("findings = %q, missing %q", got, w)
		}
	}
}
