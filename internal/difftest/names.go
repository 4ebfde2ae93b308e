package difftest

import (
	"math/rand/v2"
	"strings"
)

// Names and directories are drawn from small pools so that ignore patterns,
// renames and conflicts keep meeting the same paths. The pools hold the
// names that matching gets wrong most easily: leading '#' and '!', a
// trailing space, brackets, a backslash, non-ASCII, and a file and a
// directory that share a name ("abc").
var (
	dirPool = []string{"", "", "", "a", "abc", "doc", "a/b", "x y", "sub dir/deep", "build", "a/b/c"}
	// filePool never holds "/".
	filePool = []string{
		"ax", "bx", "abc", "a.txt", "b.log", "c.o", "#hash", "!bang", "tail ", "f[1]",
		"ünï.md", "keep", "README", "x\\y", "Ax", "-dash", ".hidden", "a.TXT",
	}
)

// patternPool is the raw material of ignore files: git's whole pattern
// syntax (negation, anchoring, "**", character classes with "!" and ranges
// and POSIX classes, "?", escapes, trailing spaces escaped or not,
// directory-only patterns) aimed at names in the pools above.
var patternPool = []string{
	"ax", "*.log", "*.o", "abc", "abc/", "abc/**", "**/abc", "**/doc", "a/**/b", "a/**",
	"[!a]x", "[^a]x", "[a-c]x", "[[:alpha:]]x", "[[:upper:]]x", "?x", "*x", "a?txt",
	"\\!bang", "!bang", "\\#hash", "#hash", "tail\\ ", "tail ", "tail", "f[1]", "f\\[1]",
	"f[[]1]", "x\\\\y", "/a.txt", "a.txt", "/abc", "sub dir/", "sub dir/**/keep",
	"doc/*", "doc/**/*.md", "*.md", "ünï.md", "build/", "build", "/build/*", "!build/keep",
	"!*.log", "!abc", "!abc/", "!ax", "!/a.txt", "*", "!*/", "**", "**/", ".*", "!.hidden",
	"*.TXT", "[a-", "a/b/", "a/b/c/", "*/b", "x y/", "x*y", "README", "!README", "-dash",
	"\\", "a/**/", "**/b/**", "[!]]x", "[]a]x", "***/x",
}

// patternLines draws an ignore file: a few patterns, sometimes with a
// comment, a blank line or a Windows line ending.
func patternLines(rng *rand.Rand) string {
	var b strings.Builder
	n := 1 + rng.IntN(5)
	for range n {
		switch rng.IntN(12) {
		case 0:
			b.WriteString("# a comment\n")
		case 1:
			b.WriteString("\n")
		}
		p := patternPool[rng.IntN(len(patternPool))]
		b.WriteString(p)
		if rng.IntN(16) == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// randDir and randFile draw from the pools.
func randDir(rng *rand.Rand) string  { return dirPool[rng.IntN(len(dirPool))] }
func randFile(rng *rand.Rand) string { return filePool[rng.IntN(len(filePool))] }

// join makes a repository path of a directory ("" for the root) and a name.
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// content draws file content: usually a line or two, sometimes empty.
func content(rng *rand.Rand, tag string) string {
	switch rng.IntN(8) {
	case 0:
		return ""
	case 1:
		return tag + "\nline two\n"
	}
	return tag + "\n"
}

// baitPairs are ignore patterns and the path that makes each one tricky:
// cases where matchers other than git's wildmatch are known to or likely
// to decide differently. The generator commits the pattern and leaves the
// path untracked, often alone, so that a reader that wrongly ignores it
// calls the repository clean.
var baitPairs = [][2]string{
	{"[!a]x", "ax"}, {"abc/**", "abc"}, {"[[:alpha:]]x", "ax"}, {"tail\\ ", "tail "},
	{"tail ", "tail "}, {"\\#hash", "#hash"}, {"\\!bang", "!bang"}, {"a/**/b", "a/b"},
	{"[!]]x", "ax"}, {"[]a]x", "ax"}, {"**/doc", "doc"}, {"doc/", "doc"}, {"*.TXT", "a.txt"},
	{"x\\\\y", "x\\y"}, {"f[1]", "f[1]"}, {"f\\[1]", "f[1]"}, {"[a-", "[a-"},
	{"***/x", "x"}, {"a?txt", "a.txt"}, {"/abc", "abc"}, {"**/", "ax"}, {"a/**", "a"},
	{"*\\", "ax"}, {"ax\\", "ax"}, {"[^a]x", "ax"}, {"[[:upper:]]x", "Ax"}, {"[z-a]x", "ax"},
}
