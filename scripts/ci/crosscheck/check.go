package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Options says what to check: the packages matching Patterns in the module
// at Dir, as built for GOOS/GOARCH with cgo off (as the release builds).
type Options struct {
	Dir, GOOS, GOARCH string
	Tests             bool
	Patterns          []string
}

// Result lists the errors found; Packages counts what was type-checked.
type Result struct {
	Errors   []string
	Packages int
	Module   int
}

// listed is the part of `go list -json` the check needs.
type listed struct {
	ImportPath string
	Dir        string
	Name       string
	Standard   bool
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	ImportMap  map[string]string
	Module     *struct {
		Main      bool
		GoVersion string
	}
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
}

// pkg is one package's check: done closes when types (or err) is set.
type pkg struct {
	*listed
	done  chan struct{}
	types *types.Package
	errs  []string
}

// Check lists the platform's packages and type-checks them, each once its
// imports are, at most GOMAXPROCS at a time.
func Check(o Options) (Result, error) {
	pkgs, order, err := list(o)
	if err != nil {
		return Result{}, err
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, p := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(p.done)
			for _, imp := range p.Imports {
				if d := pkgs[imp]; d != nil {
					<-d.done
				}
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			p.check(o.GOARCH, pkgs)
		}()
	}
	wg.Wait()
	var res Result
	for _, p := range order {
		res.Packages++
		if p.Module != nil && p.Module.Main {
			res.Module++
		}
		res.Errors = append(res.Errors, p.errs...)
	}
	return res, nil
}

// list runs go list for the platform; order is go list's (dependencies
// first), without the generated test mains.
func list(o Options) (map[string]*pkg, []*pkg, error) {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Dir,Name,Standard,GoFiles,CgoFiles,Imports,ImportMap,Module,Error,DepsErrors"}
	if o.Tests {
		args = append(args, "-test")
	}
	cmd := exec.Command("go", append(args, o.Patterns...)...)
	cmd.Dir = o.Dir
	cmd.Env = append(os.Environ(), "GOOS="+o.GOOS, "GOARCH="+o.GOARCH, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	pkgs := map[string]*pkg{}
	var order []*pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var l listed
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("go list output: %v", err)
		}
		if strings.HasSuffix(l.ImportPath, ".test") || l.ImportPath == "unsafe" {
			continue // the generated test main; unsafe is go/types' own
		}
		p := &pkg{listed: &l, done: make(chan struct{})}
		pkgs[l.ImportPath] = p
		order = append(order, p)
	}
	return pkgs, order, nil
}

// check parses and type-checks p; its imports are done.
func (p *pkg) check(goarch string, pkgs map[string]*pkg) {
	if p.Error != nil {
		p.errs = append(p.errs, p.ImportPath+": "+p.Error.Err)
		return
	}
	if len(p.CgoFiles) > 0 {
		p.errs = append(p.errs, p.ImportPath+": uses cgo with CGO_ENABLED=0")
		return
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			p.errs = append(p.errs, err.Error())
			continue
		}
		files = append(files, f)
	}
	if len(p.errs) > 0 {
		return
	}
	conf := types.Config{
		Importer:         importer{p, pkgs},
		Sizes:            types.SizesFor("gc", goarch),
		IgnoreFuncBodies: p.Standard,
		Error: func(err error) {
			if len(p.errs) < 20 {
				p.errs = append(p.errs, err.Error())
			}
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	p.types, _ = conf.Check(p.ImportPath, fset, files, nil)
}

// importer resolves an import as go list did for the importing package
// (ImportMap: vendoring and test variants).
type importer struct {
	from *pkg
	pkgs map[string]*pkg
}

func (im importer) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if m, ok := im.from.ImportMap[path]; ok {
		path = m
	}
	d := im.pkgs[path]
	if d == nil {
		return nil, fmt.Errorf("%s is not in go list's output", path)
	}
	if d.types == nil {
		return nil, fmt.Errorf("%s did not type-check", path)
	}
	return d.types, nil
}
