package difftest

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Repo is one generated repository.
type Repo struct {
	Seed     uint64
	Features Features // after Normalize: what was actually built
	// Dir is the work tree under test: the repository's own, or a linked
	// worktree of it.
	Dir string
	// Untracked lists the paths the generator created and never added,
	// for `git check-ignore` when the untracked count disagrees.
	Untracked []string
	// head is what the generator wrote as HEAD's commit; headPlain says
	// whether its subject and author need no git formatting rule to show.
	head      commitInfo
	headSHA   string
	headPlain bool
	// Steps says what was done, in order, for failure messages.
	Steps []string
}

// Remote is a bare repository shared by a batch of generated
// repositories: their remote and the source of their submodule.
type Remote struct {
	Dir     string
	MainSHA string // refs/heads/main, two commits holding README and lib.txt
}

// NewRemote creates the bare repository at dir.
func NewRemote(dir string) (*Remote, error) {
	if err := initRepo(dir, true); err != nil {
		return nil, err
	}
	h := newHistory(rand.New(rand.NewPCG(1, 1)), 0)
	t := tree{"README": {modeFile, "upstream\n"}}
	first := h.commit("refs/heads/main", t)
	t = t.clone()
	t["lib.txt"] = entry{modeFile, "lib\n"}
	h.commit("refs/heads/main", t, first)
	marks, err := fastImport(dir, &h.buf, false)
	if err != nil {
		return nil, err
	}
	return &Remote{Dir: dir, MainSHA: marks[h.mark]}, nil
}

// initRepo writes the files `git init` would (less its samples and
// hooks): starting git costs more than everything else a small
// repository needs.
func initRepo(dir string, bare bool) error {
	gitDir := dir
	if !bare {
		gitDir = filepath.Join(dir, ".git")
	}
	for _, d := range []string{"objects", "refs/heads", "refs/tags", "info"} {
		if err := os.MkdirAll(filepath.Join(gitDir, d), 0o755); err != nil {
			return fmt.Errorf("init %s: %w", dir, err)
		}
	}
	cfg := "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = " + strconv.FormatBool(bare) + "\n"
	if !bare {
		cfg += "\tlogallrefupdates = true\n"
	}
	if err := os.WriteFile(filepath.Join(gitDir, "config"), []byte(cfg), 0o644); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(gitDir, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	return nil
}

// fastImport feeds stream to git fast-import in dir's repository and
// returns the commit id of every mark. With loose, fast-import explodes its
// small pack into loose objects (its default below 100 objects, at the
// cost of a second process); otherwise the objects stay in one pack.
func fastImport(dir string, stream *bytes.Buffer, loose bool) (map[int]string, error) {
	marksFile := filepath.Join(dir, "difftest-marks")
	limit := "fastimport.unpackLimit=0"
	if loose {
		limit = "fastimport.unpackLimit=100"
	}
	if _, err := gitCmd(dir, stream, "-c", limit, "fast-import", "--quiet", "--export-marks="+marksFile); err != nil {
		return nil, fmt.Errorf("import history: %w", err)
	}
	b, err := os.ReadFile(marksFile)
	if err != nil {
		return nil, fmt.Errorf("import history: %w", err)
	}
	_ = os.Remove(marksFile)
	marks := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		m, sha, ok := strings.Cut(strings.TrimPrefix(sc.Text(), ":"), " ")
		n, err := strconv.Atoi(m)
		if !ok || err != nil {
			return nil, fmt.Errorf("import history: bad marks line %q", sc.Text())
		}
		marks[n] = sha
	}
	return marks, nil
}

// appendConfig adds text to a repository's config file: faster than one
// `git config` per key, and the same bytes.
func appendConfig(gitDir, text string) error {
	f, err := os.OpenFile(filepath.Join(gitDir, "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := f.WriteString(text); err != nil {
		_ = f.Close()
		return fmt.Errorf("write config: %w", err)
	}
	return f.Close()
}

// Build generates the repository for (seed, f) under root, which must be an
// empty directory. The same seed and features always give the same
// repository (the same commits, files, index and refs); only paths under
// root and the upstream's location differ.
func Build(root string, up *Remote, seed uint64, f Features) (*Repo, error) {
	f = f.Normalize()
	b := &builder{
		rng:  rand.New(rand.NewPCG(seed, uint64(f))),
		repo: &Repo{Seed: seed, Features: f},
		f:    f,
		root: root,
		up:   up,
		main: filepath.Join(root, "repo"),
	}
	if err := b.build(); err != nil {
		return b.repo, fmt.Errorf("build seed %d features %s: %w (steps: %s)", seed, f, err, strings.Join(b.repo.Steps, "; "))
	}
	return b.repo, nil
}
