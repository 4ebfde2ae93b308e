package gogit

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

var (
	attrTestPatterns = []string{"*.txt", "a/**/b", "**/x", "[a-c]*", "[!a]x", `\!x`, "a?c", "*/*.c", "sub/",
		"/root.txt", "d/*", "[[:alpha:]]*.md", "**", "a/**", "x[", "*", "sub/deep/*.c", "[^b]x", "a/*/b",
		"**/deep/**", "*[[:digit:]]", `"sp ace.txt"`, "!neg", "*.C", "?", "deep", "e/", "[a-]x", `a\*c`}
	attrTestStates = []string{"text", "-text", "!text", "text=auto", "eol=crlf", "eol=lf", "crlf", "-crlf",
		"crlf=input", "binary", "filter=lfs", "ident", "-ident", "mac", "-mac", "working-tree-encoding=latin1",
		"diff", "merge=ours", "bad@name"}
	attrTestPaths = []string{"a.txt", "sub/a.txt", "a/b", "a/x/b", "a/x/y/b", "x", "ax", "bx", "!x", "abc",
		"a/c", "sub/deep/f.c", "d/e", "d/e/f", "A.TXT", "sp ace.txt", "root.txt", "sub/root.txt", "m.md",
		"sub/deep/x", "e/f", "f1", "-x", "a*c", "sub/b.C", "q"}
)

func genAttrText(rng *rand.Rand, macros bool) string {
	var b strings.Builder
	for i, n := 0, rng.Intn(8); i < n; i++ {
		if macros && rng.Intn(6) == 0 {
			fmt.Fprintf(&b, "[attr]mac %s %s\n", attrTestStates[rng.Intn(8)], attrTestStates[rng.Intn(8)])
			continue
		}
		b.WriteString(attrTestPatterns[rng.Intn(len(attrTestPatterns))])
		for j, m := 0, 1+rng.Intn(3); j < m; j++ {
			b.WriteString(" " + attrTestStates[rng.Intn(len(attrTestStates))])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestAttributesMatchGitCheckAttr compares the attributes this package
// computes with `git check-attr` over generated attribute files (top
// level, a subdirectory, a deeper one and info/attributes, with macros,
// negation, reset and wildmatch patterns).
func TestAttributesMatchGitCheckAttr(t *testing.T) {
	gittest.Isolate(t)
	specified := 0 // proof that the comparison sees attributes at all
	names := []string{"text", "eol", "crlf", "filter", "ident", "working-tree-encoding", "diff", "merge", "mac"}
	for seed := int64(1); seed <= 60; seed++ {
		rng := rand.New(rand.NewSource(seed))
		dir := t.TempDir()
		gittest.InitRepo(t, dir)
		files := map[string]string{
			".gitattributes":          genAttrText(rng, true),
			"sub/.gitattributes":      genAttrText(rng, false),
			"sub/deep/.gitattributes": genAttrText(rng, false),
			".git/info/attributes":    genAttrText(rng, true),
		}
		for n, c := range files {
			gittest.WriteFile(t, dir, n, c)
		}
		out := gittest.Git(t, dir, append(append([]string{"check-attr"}, names...), append([]string{"--"}, attrTestPaths...)...)...)
		want := map[string]string{}
		for _, line := range strings.Split(out, "\n") {
			// "path: attr: value"; paths may be C-quoted.
			i := strings.LastIndex(line, ": ")
			j := strings.LastIndex(line[:i], ": ")
			p := line[:j]
			if q, _, ok := unquoteC(p); ok {
				p = q
			}
			want[p+" "+line[j+2:i]] = line[i+2:]
		}
		info := parseAttrs([]byte(files[".git/info/attributes"]), "", true)
		tree := func(d string) (*attrFile, error) {
			c, ok := files[filepath.ToSlash(filepath.Join(d, ".gitattributes"))]
			if !ok {
				return nil, nil
			}
			f := parseAttrs([]byte(c), d, d == "")
			return &f, nil
		}
		stack, err := newAttrStack([]*attrFile{&builtinAttrs}, &info, tree)
		if err != nil {
			t.Fatal(err)
		}
		var diffs []string
		for _, p := range attrTestPaths {
			got, err := stack.lookup(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				g := "unspecified"
				switch v := got[n]; v.kind {
				case attrTrue:
					g = "set"
				case attrFalse:
					g = "unset"
				case attrString:
					g = v.s
				}
				if g != "unspecified" {
					specified++
				}
				if w := want[p+" "+n]; w != g {
					diffs = append(diffs, fmt.Sprintf("%s %s: git %q, ours %q", p, n, w, g))
				}
			}
		}
		if len(diffs) > 0 {
			sort.Strings(diffs)
			t.Errorf("seed %d: attributes differ from git check-attr:\n%s\nfiles: %q", seed, strings.Join(diffs, "\n"), files)
		}
	}
	if specified < 500 {
		t.Errorf("only %d attributes were set: the generator tests too little", specified)
	}
	t.Logf("%d attribute values compared as set", specified)
}
