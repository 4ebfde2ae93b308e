package workspace

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoOrigin is returned by OriginURL when the repository has no
// remote.origin.url.
var ErrNoOrigin = errors.New("no origin remote")

// GitDir returns the git directory of the work tree at repoPath: repoPath/.git
// itself, or the directory a .git file points to.
func GitDir(repoPath string) (string, error) {
	gitPath := filepath.Join(repoPath, ".git")
	fi, err := os.Stat(gitPath)
	if err != nil {
		return "", fmt.Errorf("git dir of %s: %w", repoPath, err)
	}
	if fi.IsDir() {
		return gitPath, nil
	}
	gitdir, err := readGitdirFile(gitPath)
	if err != nil {
		return "", fmt.Errorf("git dir of %s: %w", repoPath, err)
	}
	return gitdir, nil
}

// commonDir returns the directory holding the shared config of gitdir: the
// target of its "commondir" file for a linked worktree, else gitdir itself.
func commonDir(gitdir string) string {
	b, err := os.ReadFile(filepath.Join(gitdir, "commondir"))
	if err != nil {
		return gitdir
	}
	c := strings.TrimSpace(string(b))
	if c == "" {
		return gitdir
	}
	if !filepath.IsAbs(c) {
		c = filepath.Join(gitdir, c)
	}
	return filepath.Clean(c)
}

// OriginURL reads remote.origin.url of the repository whose work tree is
// repoPath straight from its config file (the common one for a linked
// worktree), without running git: discovery of thousands of repositories
// cannot afford a process each. include/includeIf directives and
// url.<base>.insteadOf rewriting are not applied: the configured value is
// returned as written.
func OriginURL(repoPath string) (string, error) {
	gitdir, err := GitDir(repoPath)
	if err != nil {
		return "", err
	}
	cfg := filepath.Join(commonDir(gitdir), "config")
	url, found, err := configValue(cfg, "remote", "origin", "url")
	if err != nil {
		return "", fmt.Errorf("origin url of %s: %w", repoPath, err)
	}
	if !found || url == "" {
		return "", fmt.Errorf("origin url of %s: %w", repoPath, ErrNoOrigin)
	}
	return url, nil
}

// configValue returns the last value of section."subsection".key in a git
// config file. Section and key names are case-insensitive, subsections are
// case-sensitive, as in git.
func configValue(file, section, subsection, key string) (val string, found bool, err error) {
	f, err := os.Open(file)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				in = false
				continue
			}
			header := line[1:end]
			in = matchSection(header, section, subsection)
			// "[remote "origin"] url = x" on one line is valid git config.
			line = strings.TrimSpace(line[end+1:])
			if line == "" || !in {
				continue
			}
		}
		if !in {
			continue
		}
		k, v, hasValue := strings.Cut(line, "=")
		if !strings.EqualFold(strings.TrimSpace(k), key) {
			continue
		}
		found = true
		if !hasValue {
			val = "true" // a bare key is boolean true in git config
			continue
		}
		val = unquote(stripComment(strings.TrimSpace(v)))
	}
	return val, found, sc.Err()
}

// matchSection matches a section header body like `remote "origin"`.
func matchSection(header, section, subsection string) bool {
	name, sub, hasSub := strings.Cut(strings.TrimSpace(header), " ")
	if !hasSub {
		// Deprecated [remote.origin] form: subsection is case-insensitive.
		if n, s, ok := strings.Cut(name, "."); ok {
			return strings.EqualFold(n, section) && strings.EqualFold(s, subsection)
		}
		return strings.EqualFold(name, section) && subsection == ""
	}
	return strings.EqualFold(name, section) && unquote(strings.TrimSpace(sub)) == subsection
}

// stripComment removes a trailing # or ; comment outside double quotes.
func stripComment(v string) string {
	inQuote := false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case '#', ';':
			if !inQuote {
				return strings.TrimSpace(v[:i])
			}
		}
	}
	return v
}

// unquote removes git config double quotes and resolves backslash escapes.
func unquote(v string) string {
	if !strings.ContainsAny(v, `"\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"':
			continue
		case c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(v[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
