package structcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// listedPackage is what `go list -json` says of a package that matters here.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
	DepOnly    bool
}

// listModule lists the module's packages (those ./... matches) and the
// export data of every package they import, compiling what the build cache
// lacks: the module's packages are type-checked from source against it.
func listModule() (own []listedPackage, export map[string]string, err error) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-json=ImportPath,Dir,GoFiles,Export,DepOnly", "./...")
	cmd.Dir = moduleRoot
	// The release build's flags, as internal/testbin and .ci/run's steps
	// without the race detector use: the export data then comes from the
	// packages those builds compiled, not from a compile of its own.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-trimpath")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("go list: %v: %s", err, stderr.Bytes())
	}
	export = map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, err
		}
		export[p.ImportPath] = p.Export
		if !p.DepOnly {
			own = append(own, p)
		}
	}
	return own, export, nil
}

// methodSetFindings type-checks every package of the module and returns
// each named type whose method set is over the budget.
func methodSetFindings() ([]finding, error) {
	own, export, err := listModule()
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(moduleRoot)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if export[path] == "" {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(export[path])
	})
	var out []finding
	for _, p := range own {
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil {
			return nil, err
		}
		found, err := methodSets(fset, p.ImportPath, filepath.ToSlash(rel), files, imp)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// methodSets type-checks one package and returns each named type declared
// in it with more than maxMethods methods in the method set of *T: its
// declared methods and those promoted through embedded fields, as a reader
// of the type's API (or its documentation) sees them. dir prefixes the
// keys, as check's do.
func methodSets(fset *token.FileSet, path, dir string, files []*ast.File, imp types.Importer) ([]finding, error) {
	conf := types.Config{Importer: imp}
	pkg, err := conf.Check(path, fset, files, nil)
	if err != nil {
		return nil, fmt.Errorf("type-checking %s: %v", path, err)
	}
	var out []finding
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		if _, isIface := tn.Type().Underlying().(*types.Interface); isIface {
			continue
		}
		ms := types.NewMethodSet(types.NewPointer(tn.Type()))
		declared := 0
		if named, ok := tn.Type().(*types.Named); ok {
			declared = named.NumMethods()
		}
		if n := ms.Len(); n > maxMethods {
			key := dir + "." + name
			out = append(out, finding{key, key, fmt.Sprintf("type has %d methods in its method set (> %d; %d declared, %d promoted)",
				n, maxMethods, declared, n-declared)})
		}
	}
	return out, nil
}

// TestMethodSetsFindBreaches proves methods promoted through an embedded
// field count, on value and pointer receivers and through an alias, while
// a part held in a named field does not lend the holder its methods.
func TestMethodSetsFindBreaches(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\n\ntype part struct{}\n\ntype Wide struct{ part }\n\ntype W = Wide\n\n" +
		"type Narrow struct{ p part }\n\ntype Edge struct{ part }\n\n")
	half := maxMethods / 2 // 12 of 25
	for i := 0; i <= half; i++ {
		fmt.Fprintf(&b, "func (*part) P%d() {}\nfunc (part) p%d() {}\n", i, i) // part: 26
		fmt.Fprintf(&b, "func (Narrow) N%d() {}\n", i)                         // Narrow: 13
	}
	b.WriteString("func (W) Extra() {}\n") // Wide: 26 promoted + 1
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", b.String(), 0)
	if err != nil {
		t.Fatal(err)
	}
	found, err := methodSets(fset, "example.com/p", "p", []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.key+": "+f.what)
	}
	want := []string{
		"p.Edge: type has 26 methods in its method set (> 25; 0 declared, 26 promoted)",
		"p.Wide: type has 27 methods in its method set (> 25; 1 declared, 26 promoted)",
		"p.part: type has 26 methods in its method set (> 25; 26 declared, 0 promoted)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
