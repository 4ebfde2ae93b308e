package gitobj

import (
	"bytes"
	"fmt"
	"strings"
)

// This file is git's ignore rules (dir.c: add_patterns_from_buffer,
// trim_trailing_spaces, parse_path_pattern, match_basename,
// match_pathname, last_matching_pattern_from_list) over the wildmatch
// port, for a case-sensitive file system (core.ignoreCase is not modelled).

// Pattern flags, as dir.c's PATTERN_FLAG_*.
const (
	patNoDir = 1 << iota
	patMustBeDir
	patNegative
)

// IgnorePattern is one line of an ignore file.
type IgnorePattern struct {
	pattern string // without "!" and one trailing "/"
	prefix  int    // length of the leading part without wildcards
	flags   int
	base    string // directory of the file it came from, "" or "a/b/"
}

// IgnoreList is the patterns of one file, in file order.
type IgnoreList []IgnorePattern

// ParseIgnore reads an ignore file whose patterns apply below base ("" for
// the top of the work tree or info/exclude, else "dir/" with a trailing
// slash). A NUL byte, where git's C strings would end the line, is an
// error wrapping ErrNeedGit.
func ParseIgnore(b []byte, base string) (IgnoreList, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var l IgnoreList
	for len(b) > 0 {
		line := b
		if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
			line, b = b[:nl], b[nl+1:]
		} else {
			b = nil
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if bytes.IndexByte(line, 0) >= 0 {
			return nil, fmt.Errorf("ignore pattern with a NUL byte: %w", ErrNeedGit)
		}
		s := trimTrailingSpaces(string(line))
		p := parsePattern(s, base)
		if p.pattern == "" {
			continue // "", "!" and "/" match nothing in git
		}
		l = append(l, p)
	}
	return l, nil
}

// trimTrailingSpaces is dir.c's: unescaped trailing spaces (not tabs) go.
func trimTrailingSpaces(s string) string {
	lastSpace := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if lastSpace < 0 {
				lastSpace = i
			}
		case '\\':
			i++
			if i >= len(s) {
				return s
			}
			lastSpace = -1
		default:
			lastSpace = -1
		}
	}
	if lastSpace >= 0 {
		return s[:lastSpace]
	}
	return s
}

func parsePattern(s, base string) IgnorePattern {
	p := IgnorePattern{base: base}
	if strings.HasPrefix(s, "!") {
		p.flags |= patNegative
		s = s[1:]
	}
	if strings.HasSuffix(s, "/") {
		s = s[:len(s)-1]
		p.flags |= patMustBeDir
	}
	if !strings.Contains(s, "/") {
		p.flags |= patNoDir
	}
	p.prefix = len(s)
	for i := 0; i < len(s); i++ {
		if isGlobSpecial(s[i]) {
			p.prefix = i
			break
		}
	}
	p.pattern = s
	return p
}

// match is one pattern against path (relative to the top of the work
// tree, no trailing slash) whose last component starts at basename.
func (p *IgnorePattern) match(path string, basename int, isDir bool) bool {
	if p.flags&patMustBeDir != 0 && !isDir {
		return false
	}
	if p.flags&patNoDir != 0 {
		// match_basename; its literal and "*suffix" shortcuts mean what
		// wildmatch without WM_PATHNAME means for a name without '/'.
		return wildmatch(p.pattern, path[basename:], false)
	}
	return p.matchPathname(path)
}

// matchPathname is dir.c's match_pathname, including its split of the
// literal prefix before wildmatch (which decides whether a "**" right
// after the prefix counts as one at the start).
func (p *IgnorePattern) matchPathname(path string) bool {
	pat, prefix := p.pattern, p.prefix
	if strings.HasPrefix(pat, "/") {
		pat, prefix = pat[1:], prefix-1
	}
	baselen := len(p.base)
	if baselen > 0 {
		baselen-- // without its trailing slash
	}
	if len(path) < baselen+1 || (baselen > 0 && path[baselen] != '/') || path[:baselen] != p.base[:baselen] {
		return false
	}
	name := path
	if baselen > 0 {
		name = path[baselen+1:]
	}
	if prefix > 0 {
		if prefix > len(name) || pat[:prefix] != name[:prefix] {
			return false
		}
		pat, name = pat[prefix:], name[prefix:]
		if pat == "" && name == "" {
			return true
		}
	}
	return wildmatch(pat, name, true)
}

// Ignore is the ignore lists in effect for one directory during a walk,
// highest priority first: the .gitignore files from the deepest directory
// up to the top, then info/exclude, then core.excludesFile. (A caller that
// leaves out the last sees fewer paths ignored, never more.)
type Ignore struct {
	dirs  []IgnoreList // top first
	files []IgnoreList // info/exclude, core.excludesFile
}

// NewIgnore starts with the lists of files outside the work tree, highest
// priority first: info/exclude, then core.excludesFile.
func NewIgnore(files ...IgnoreList) *Ignore { return &Ignore{files: files} }

// Push adds the patterns of the .gitignore of the directory being entered;
// Pop removes them on the way out.
func (ig *Ignore) Push(l IgnoreList) { ig.dirs = append(ig.dirs, l) }

// Pop removes the most recently pushed list.
func (ig *Ignore) Pop() { ig.dirs = ig.dirs[:len(ig.dirs)-1] }

// Excluded reports whether path (slash-separated, relative to the top of
// the work tree) is ignored by the lists, as last_matching_pattern_from_lists
// decides: the first list, deepest first, with a matching pattern decides,
// and in it the last matching pattern; a negated one means not ignored.
// It does not look at parent directories: a walk that does not descend
// into an ignored directory has already applied git's rule that nothing
// below one can be re-included.
func (ig *Ignore) Excluded(path string, isDir bool) bool {
	basename := strings.LastIndexByte(path, '/') + 1
	check := func(l IgnoreList) (bool, bool) {
		for i := len(l) - 1; i >= 0; i-- {
			if l[i].match(path, basename, isDir) {
				return l[i].flags&patNegative == 0, true
			}
		}
		return false, false
	}
	for i := len(ig.dirs) - 1; i >= 0; i-- {
		if ex, ok := check(ig.dirs[i]); ok {
			return ex
		}
	}
	for _, l := range ig.files {
		if ex, ok := check(l); ok {
			return ex
		}
	}
	return false
}
