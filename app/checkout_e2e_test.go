package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestCheckoutEndToEnd runs `mgit checkout` on a workspace of two clones:
// "app" whose remote has branch feature, "lib" whose remote does not.
func TestCheckoutEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			checkoutEndToEnd(t, bin, backend)
		})
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
	srv.CloneCreated(t, "org/lib", lib)
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

// TestCheckoutPreviewEndToEnd: `mgit checkout --dry-run` tells, repository
// by repository, what the real checkout then does — in text and in JSON,
// with either backend — including the refusals: local changes in the way
// (the files named), the branch checked out in another worktree, no commits.
func TestCheckoutPreviewEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			checkoutPreviewEndToEnd(t, bin, backend)
		})
	}
}

func checkoutPreviewEndToEnd(t *testing.T, bin, backend string) {
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "org/app")
	gittest.Git(t, seed, "checkout", "-q", "-b", "feature")
	gittest.Commit(t, seed, "f.txt", "f\n", "feature work")
	gittest.Git(t, seed, "push", "-q", "origin", "feature")
	ws := filepath.Join(r.dir, "ws")
	for _, n := range []string{"ok", "dirty", "inuse"} {
		srv.Clone(t, "org/app", filepath.Join(ws, n))
	}
	gittest.WriteFile(t, filepath.Join(ws, "dirty"), "f.txt", "mine\n") // untracked, in the way
	inuse := filepath.Join(ws, "inuse")
	gittest.Git(t, inuse, "branch", "-q", "feature", "origin/feature")
	gittest.Git(t, inuse, "worktree", "add", "-q", filepath.Join(r.dir, "elsewhere"), "feature")
	gittest.InitRepo(t, filepath.Join(ws, "empty"))

	be := "--git-backend=" + backend
	verdicts := func(out string) map[string]string {
		v := map[string]string{}
		for _, o := range ndjson(t, out) {
			if o["type"] == "op" {
				id := o["repo"].(string)
				if o["result"] == "failed" {
					v[id] = o["error_kind"].(string) + " " + o["error"].(string)
				} else {
					v[id] = "ok"
				}
			}
		}
		return v
	}
	dryJSON := r.run(nil, be, "-o", "json", "checkout", "--create", "--dry-run", "feature", ws)
	dryText := r.run(nil, be, "checkout", "--create", "--dry-run", "feature", ws)
	real := r.run(nil, be, "-o", "json", "checkout", "--create", "feature", ws)
	dv, rv := verdicts(dryJSON.stdout), verdicts(real.stdout)
	if len(dv) != 4 || len(rv) != 4 {
		t.Fatalf("want 4 repositories in each:\ndry %v\nreal %v", dv, rv)
	}
	for id, want := range map[string]string{"ok": "ok", "dirty": "local-changes", "inuse": "branch-in-use", "empty": "no-commits"} {
		if !strings.HasPrefix(dv[id], want) {
			t.Errorf("%s: dry run says %q, want %s", id, dv[id], want)
		}
		if dv[id] != rv[id] {
			t.Errorf("%s: the preview and the checkout disagree:\ndry  %s\nreal %s", id, dv[id], rv[id])
		}
	}
	if !strings.Contains(dv["dirty"], "would be overwritten by checkout: f.txt") {
		t.Errorf("dirty: the files in the way are not named: %s", dv["dirty"])
	}
	if dryJSON.code != 1 || real.code != 1 || dryText.code != 1 {
		t.Errorf("exit codes dry json %d, dry text %d, real %d; want 1 (some refused) for all", dryJSON.code, dryText.code, real.code)
	}
	for _, want := range []string{"would be overwritten by checkout: f.txt", "is already checked out at", "no commits yet", "dry run: would create feature tracking origin/feature"} {
		if !strings.Contains(dryText.stdout+dryText.stderr, want) {
			t.Errorf("text dry run lacks %q:\n%s%s", want, dryText.stdout, dryText.stderr)
		}
	}
	if got := gittest.Git(t, filepath.Join(ws, "ok"), "symbolic-ref", "--short", "HEAD"); got != "feature" {
		t.Errorf("ok is on %s after the checkout", got)
	}
}
