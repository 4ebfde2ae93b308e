package app

import (
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestCheckoutEndToEnd runs `mgit checkout` on a workspace of two clones:
// "app" whose remote has branch feature, "lib" whose remote does not.
func TestCheckoutEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) { checkoutEndToEnd(t, bin, backend) })
	}
}

func checkoutEndToEnd(t *testing.T, bin, backend string) {
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	ws := filepath.Join(r.dir, "ws")
	appSeed := srv.CreateRepo(t, "org/app")
	srv.CreateRepo(t, "org/lib")
	gittest.Git(t, appSeed, "checkout", "-q", "-b", "feature")
	tip := gittest.Commit(t, appSeed, "f.txt", "f\n", "feature work")
	gittest.Git(t, appSeed, "push", "-q", "origin", "feature")
	app, lib := filepath.Join(ws, "app"), filepath.Join(ws, "lib")
	srv.Clone(t, "org/app", app)
	srv.Clone(t, "org/lib", lib)
	gittest.WriteFile(t, lib, "notes.txt", "mine\n") // untracked local work
	be := "--git-backend=" + backend
	ops := func(out string) map[string]map[string]any {
		byRepo := map[string]map[string]any{}
		for _, o := range ndjson(t, out) {
			if o["type"] == "op" {
				hasKeys(t, o, "op", "repo", "result", "detail")
				byRepo[o["repo"].(string)] = o
			}
		}
		return byRepo
	}
	head := func(dir string) string { return gittest.Git(t, dir, "symbolic-ref", "--short", "HEAD") }

	// A dry run says what would happen and changes nothing.
	res := r.run(nil, be, "-o", "json", "checkout", "--create", "--dry-run", "feature", ws)
	if res.code != 0 {
		t.Fatalf("dry run: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	o := ops(res.stdout)
	if o["app"]["detail"] != "dry run: would create feature tracking origin/feature" || o["lib"]["detail"] != "dry run: would create feature from HEAD" {
		t.Errorf("dry-run details: %v / %v", o["app"]["detail"], o["lib"]["detail"])
	}
	if head(app) != "main" || head(lib) != "main" {
		t.Fatal("the dry run switched branches")
	}

	// Without --create only the repository whose remote has the branch
	// switches; the other fails (exit 1) and stays as it was.
	res = r.run(nil, be, "-o", "json", "checkout", "feature", ws)
	o = ops(res.stdout)
	if res.code != 1 || o["app"]["result"] != "ok" || o["lib"]["result"] != "failed" {
		t.Fatalf("checkout without --create: exit %d\n%s", res.code, res.stdout)
	}
	if head(app) != "feature" || gittest.Head(t, app) != tip || head(lib) != "main" {
		t.Fatalf("after checkout: app on %s, lib on %s", head(app), head(lib))
	}
	if up := gittest.Git(t, app, "rev-parse", "--abbrev-ref", "@{upstream}"); up != "origin/feature" {
		t.Errorf("app tracks %q", up)
	}

	// With --create the rest get it from HEAD; local work stays.
	res = r.run(nil, be, "-o", "json", "checkout", "--create", "feature", ws)
	o = ops(res.stdout)
	if res.code != 0 || o["lib"]["detail"] != "created feature from HEAD" || o["app"]["detail"] != "already on feature" {
		t.Fatalf("checkout --create: exit %d\n%s", res.code, res.stdout)
	}
	if head(lib) != "feature" || gittest.ReadFile(t, lib, "notes.txt") != "mine\n" {
		t.Fatal("lib not switched, or its local file lost")
	}

	// A name git would read as an option is a usage error.
	if res = r.run(nil, be, "checkout", "--", "--orphan", ws); res.code != 2 {
		t.Fatalf("option-like branch: exit %d\n%s", res.code, res.stderr)
	}
}
