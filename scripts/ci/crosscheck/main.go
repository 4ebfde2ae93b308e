package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	platforms := flag.String("platforms", "darwin/arm64,windows/amd64", "comma-separated GOOS/GOARCH pairs to check")
	tests := flag.Bool("test", false, "include the module's test files (not portable today: see doc.go)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: crosscheck [-platforms os/arch,...] [-test=false] [packages]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	failed := false
	for _, p := range strings.Split(*platforms, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || goos == "" || goarch == "" {
			fmt.Fprintf(os.Stderr, "crosscheck: platform %q is not GOOS/GOARCH\n", p)
			os.Exit(2)
		}
		res, err := Check(Options{Dir: ".", GOOS: goos, GOARCH: goarch, Tests: *tests, Patterns: patterns})
		if err != nil {
			fmt.Fprintf(os.Stderr, "crosscheck %s/%s: %v\n", goos, goarch, err)
			os.Exit(2)
		}
		for _, e := range res.Errors {
			fmt.Fprintf(os.Stderr, "%s/%s: %s\n", goos, goarch, e)
		}
		if len(res.Errors) > 0 {
			failed = true
			continue
		}
		fmt.Printf("ok %s/%s: %d packages type-checked (%d of them the module's)\n", goos, goarch, res.Packages, res.Module)
	}
	if failed {
		os.Exit(1)
	}
}
