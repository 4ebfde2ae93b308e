package app

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestEndToEndFetchChangedOnlyAtScale: in a workspace of 1,000 repositories
// of which 50 received one commit upstream, `mgit fetch --changed-only`
// prints exactly those 50 and one summary counting all 1,000, in text and
// in JSON. The repositories are copies of one pair (bare upstream, clone)
// built with git once, so the setup costs file writes, not 1,000 git runs.
func TestEndToEndFetchChangedOnlyAtScale(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	// Issue acceptance "at scale": 1,000 repositories in the full tier
	// (.ci/run's step without the race detector). The quick tier's 60
	// still outnumber the adaptive scheduler's slots, so fetches queue and
	// run at once, and every 20th repository still moves (3 of 60), so the
	// changed lines are picked out of unchanged ones as at full size.
	total := gittest.Sample(1000, 60, 60)
	changedN := total / 20

	upTpl, cloneTpl, next := scaleTemplate(t, r.dir)
	upTree, cloneTree := readTree(t, upTpl), readTree(t, cloneTpl)
	changed := map[string]bool{}
	for i := range total {
		name := fmt.Sprintf("r%04d", i)
		up := filepath.Join(r.dir, "up", name+".git")
		writeScaleTree(t, up, upTree, nil)
		writeScaleTree(t, filepath.Join(r.dir, "ws", name), cloneTree, func(rel string, b []byte) []byte {
			if rel != filepath.Join(".git", "config") {
				return b
			}
			return bytes.ReplaceAll(b, []byte(upTpl), []byte(up))
		})
		// Every 20th upstream's main moves to the commit the template
		// already holds unreferenced: one file write instead of a push.
		if i%(total/changedN) == 7 {
			writeFile(t, filepath.Join(up, "refs", "heads", "main"), next+"\n")
			changed[filepath.Join("ws", name)] = true
		}
	}

	res := r.run(nil, "--git-backend=cli", "fetch", "--no-tui", "--changed-only", "ws")
	if res.code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	if len(lines) != changedN+1 {
		t.Fatalf("fetch --changed-only printed %d lines, want %d and one summary:\n%s", len(lines), changedN, res.stdout)
	}
	seen := map[string]bool{}
	line := regexp.MustCompile(`^ok   (\S+)  main ↓1$`)
	for _, l := range lines[:changedN] {
		m := line.FindStringSubmatch(l)
		if m == nil || !changed[m[1]] || seen[m[1]] {
			t.Errorf("unexpected line %q", l)
			continue
		}
		seen[m[1]] = true
	}
	if !regexp.MustCompile(fmt.Sprintf(`^fetch: %d ok, 0 failed, 0 skipped in [0-9][0-9hms.]*$`, total)).MatchString(lines[changedN]) {
		t.Errorf("summary %q", lines[changedN])
	}

	// The same moves seen in JSON: reset the changed clones' remote-tracking
	// refs so the next fetch finds them moved again.
	for p := range changed {
		ref := filepath.Join(r.dir, p, ".git", "refs", "remotes", "origin", "main")
		writeFile(t, ref, strings.TrimSpace(gittest.ReadFile(t, r.dir, filepath.Join(p, ".git", "refs", "heads", "main")))+"\n")
	}
	res = r.run(nil, "--git-backend=cli", "fetch", "-o", "json", "--changed-only", "ws")
	if res.code != 0 {
		t.Fatalf("fetch -o json: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	objs := ndjson(t, res.stdout)
	if len(objs) != changedN+1 {
		t.Fatalf("json --changed-only printed %d objects, want %d ops and one summary", len(objs), changedN)
	}
	seen = map[string]bool{}
	for _, o := range objs[:changedN] {
		p, _ := o["path"].(string)
		if o["type"] != "op" || o["result"] != "ok" || o["changes"] == nil || !changed[p] || seen[p] {
			t.Errorf("unexpected object %v", o)
		}
		seen[p] = true
	}
	if s := objs[changedN]; s["ok"] != float64(total) || s["failed"] != 0.0 || s["skipped"] != 0.0 {
		t.Errorf("summary %v, want %d ok", s, total)
	}
}

// scaleTemplate makes, with git, one bare upstream holding one commit on
// main and a clone of it, plus a second commit in the upstream that no ref
// names yet (its id is next). The clone goes through file:// so it copies
// only reachable objects and lacks next.
func scaleTemplate(t *testing.T, dir string) (up, clone, next string) {
	up = filepath.Join(dir, "tpl", "up.git")
	seed := filepath.Join(dir, "tpl", "seed")
	clone = filepath.Join(dir, "tpl", "clone")
	gittest.Git(t, dir, "init", "-q", "--bare", "-b", "main", up)
	gittest.InitRepo(t, seed)
	gittest.Commit(t, seed, "a.txt", "a\n", "one")
	gittest.Git(t, seed, "push", "-q", up, "HEAD:refs/heads/main")
	gittest.Git(t, dir, "clone", "-q", "file://"+up, clone)
	gittest.Git(t, clone, "remote", "set-url", "origin", up)
	next = strings.TrimSpace(gittest.Git(t, up, "commit-tree", "-p", "main", "-m", "two", "main^{tree}"))
	return up, clone, next
}

type scaleFile struct {
	rel  string
	mode fs.FileMode
	data []byte
}

// readTree reads every directory and regular file under root.
func readTree(t *testing.T, root string) []scaleFile {
	t.Helper()
	var out []scaleFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "hooks" {
			return filepath.SkipDir // samples only: 2,000 copies of them buy nothing
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := scaleFile{rel: rel, mode: info.Mode()}
		switch {
		case info.Mode().IsRegular():
			f.data, err = os.ReadFile(p)
		case !info.IsDir():
			err = fmt.Errorf("%s: not a file or directory", p)
		}
		out = append(out, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// writeScaleTree writes files under root, passing each file's bytes
// through fix when fix is not nil.
func writeScaleTree(t *testing.T, root string, files []scaleFile, fix func(rel string, b []byte) []byte) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, f.rel)
		var err error
		if f.mode.IsDir() {
			err = os.MkdirAll(p, 0o755)
		} else {
			data := f.data
			if fix != nil {
				data = fix(f.rel, data)
			}
			err = os.WriteFile(p, data, f.mode.Perm())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
