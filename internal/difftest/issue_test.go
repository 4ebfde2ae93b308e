package difftest

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// scenario is a repository written by hand for one disagreement a person
// reported, so that it stays covered whatever the generator draws.
type scenario struct {
	name      string
	features  Features          // what the Known allow-list keys on
	committed map[string]string // path → content in HEAD
	untracked []string
}

// issueScenarios are the cases issue 10 names.
var issueScenarios = []scenario{
	{
		name: "negated class [!a]x does not ignore ax", features: Ignore | Backdate,
		committed: map[string]string{".gitignore": "[!a]x\n", "README": "r\n"},
		untracked: []string{"ax"},
	},
	{
		name: "abc/** does not ignore a file abc", features: Ignore | Backdate,
		committed: map[string]string{".gitignore": "abc/**\n", "README": "r\n"},
		untracked: []string{"abc"},
	},
	{
		name: "POSIX class [[:alpha:]]x ignores ax", features: Ignore | Backdate,
		committed: map[string]string{".gitignore": "[[:alpha:]]x\n", "README": "r\n"},
		untracked: []string{"ax"},
	},
	{
		name: "escaped trailing space ignores 'tail '", features: Ignore | Backdate,
		committed: map[string]string{".gitignore": "tail\\ \n", "README": "r\n"},
		untracked: []string{"tail "},
	},
}

// build writes the scenario's repository under root: one commit, a
// checkout, the untracked files, then every file backdated and the index
// refreshed so that quickstatus can answer.
func (s scenario) build(t *testing.T, root string) *Repo {
	t.Helper()
	dir := filepath.Join(root, "repo")
	if err := initRepo(dir, false); err != nil {
		t.Fatal(err)
	}
	h := newHistory(rand.New(rand.NewPCG(0, 0)), 0)
	tr := tree{}
	for p, c := range s.committed {
		tr[p] = entry{modeFile, c}
	}
	m := h.commit("refs/heads/main", tr)
	marks, err := fastImport(dir, &h.buf, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gitCmd(dir, nil, "reset", "-q", "--hard"); err != nil {
		t.Fatal(err)
	}
	r := &Repo{Features: s.features, Dir: dir, head: h.commits[m], headSHA: marks[m], Untracked: s.untracked}
	for _, p := range s.untracked {
		b := &builder{dir: dir, disk: tree{}, seen: tree{}, repo: r}
		if err := b.write(p, entry{modeFile, "u\n"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := backdate(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := gitCmd(dir, nil, "update-index", "-q", "--refresh"); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestIssueScenarios runs the hand-written cases through the same
// comparison as the generated ones.
func TestIssueScenarios(t *testing.T) {
	gittest.Isolate(t)
	for _, s := range issueScenarios {
		t.Run(strings.ReplaceAll(s.name, " ", "_"), func(t *testing.T) {
			r := s.build(t, t.TempDir())
			o := check(r, outcome{declined: map[string]bool{}, took: map[string]time.Duration{}}, readers())
			for _, d := range o.known {
				t.Logf("known: %s", d)
			}
			report(t, o)
		})
	}
}
