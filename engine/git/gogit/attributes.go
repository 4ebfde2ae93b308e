package gogit

import (
	"bytes"
	"path"
	"strings"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// This file reads .gitattributes as git 2.39's attr.c does, for the few
// attributes a checkout consults (text, crlf, eol, filter, ident,
// working-tree-encoding), including macros ("[attr]name ...", and the
// built-in "binary"), negation ("-a"), reset ("!a") and values ("a=v").

// attrKind is the state of one attribute for one path.
type attrKind int8

const (
	attrUnspecified attrKind = iota // no line says anything (or "!attr")
	attrTrue                        // "attr"
	attrFalse                       // "-attr"
	attrString                      // "attr=value"
)

type attrValue struct {
	kind attrKind
	s    string // the value of attrString
}

type attrAssign struct {
	name string
	val  attrValue
}

// attrRule is one line: a pattern (or a macro definition) and its states.
type attrRule struct {
	macro   string // set for "[attr]name" lines
	pattern string // without a leading '/' and without a trailing '/'
	nodir   bool   // the pattern has no '/': it matches the base name
	dirOnly bool   // the pattern ended in '/': it never matches a file
	states  []attrAssign
}

// attrFile is one attributes file and the directory its patterns are
// relative to ("" for the top level and for files outside the tree).
type attrFile struct {
	dir   string
	rules []attrRule
}

// attrMaxLine is git's ATTR_MAX_LINE_LENGTH: longer lines are ignored.
const attrMaxLine = 2048

const attrBlank = " \t\r\n"

// builtinAttrs is git's built-in macro.
var builtinAttrs = attrFile{rules: []attrRule{{macro: "binary", states: []attrAssign{
	{"diff", attrValue{kind: attrFalse}}, {"merge", attrValue{kind: attrFalse}}, {"text", attrValue{kind: attrFalse}},
}}}}

// parseAttrs parses the content of an attributes file. macrosOK is false for
// files below the top level, where git ignores "[attr]" lines.
func parseAttrs(data []byte, dir string, macrosOK bool) attrFile {
	f := attrFile{dir: dir}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for _, line := range strings.Split(string(data), "\n") {
		if len(line) >= attrMaxLine {
			continue
		}
		if r, ok := parseAttrLine(line, macrosOK); ok {
			f.rules = append(f.rules, r)
		}
	}
	return f
}

func parseAttrLine(line string, macrosOK bool) (attrRule, bool) {
	var r attrRule
	line = strings.TrimLeft(line, attrBlank)
	if line == "" || line[0] == '#' {
		return r, false
	}
	var name, states string
	if q, rest, ok := unquoteC(line); ok {
		name, states = q, rest
	} else {
		n := strings.IndexAny(line, attrBlank)
		if n < 0 {
			n = len(line)
		}
		name, states = line[:n], line[n:]
	}
	if len(name) > len("[attr]") && strings.HasPrefix(name, "[attr]") {
		if !macrosOK {
			return r, false
		}
		// The macro name is the first word after "[attr]", which may
		// be separated from it by blanks.
		rest := strings.TrimLeft(line[len("[attr]"):], attrBlank)
		n := strings.IndexAny(rest, attrBlank)
		if n < 0 {
			n = len(rest)
		}
		if !attrNameValid(rest[:n]) {
			return r, false
		}
		r.macro, states = rest[:n], rest[n:]
	}
	for _, word := range strings.FieldsFunc(states, func(c rune) bool { return strings.ContainsRune(attrBlank, c) }) {
		a, ok := parseAttrState(word)
		if !ok {
			return r, false // git drops the whole line
		}
		r.states = append(r.states, a)
	}
	if r.macro != "" {
		return r, true
	}
	if strings.HasPrefix(name, "!") {
		return r, false // negative patterns are ignored in attributes
	}
	if strings.HasSuffix(name, "/") {
		name, r.dirOnly = name[:len(name)-1], true
	}
	r.nodir = !strings.Contains(name, "/")
	r.pattern = strings.TrimPrefix(name, "/")
	return r, true
}

func parseAttrState(word string) (attrAssign, bool) {
	var a attrAssign
	name, value, hasValue := strings.Cut(word, "=")
	switch {
	case strings.HasPrefix(name, "-"):
		name, a.val = name[1:], attrValue{kind: attrFalse}
	case strings.HasPrefix(name, "!"):
		name, a.val = name[1:], attrValue{kind: attrUnspecified}
	case hasValue:
		a.val = attrValue{kind: attrString, s: value}
	default:
		a.val = attrValue{kind: attrTrue}
	}
	a.name = name
	return a, attrNameValid(name)
}

func attrNameValid(n string) bool {
	if n == "" || n[0] == '-' {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c != '-' && c != '.' && c != '_' && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// unquoteC parses a C-quoted pattern ("a\tb") at the start of s, as
// git's unquote_c_style does, and returns it and the rest of the line.
func unquoteC(s string) (string, string, bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			i++
			if i >= len(s) {
				return "", "", false
			}
			switch e := s[i]; e {
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			case '\\', '"':
				b.WriteByte(e)
			case '0', '1', '2', '3':
				if i+2 >= len(s) || s[i+1] < '0' || s[i+1] > '7' || s[i+2] < '0' || s[i+2] > '7' {
					return "", "", false
				}
				b.WriteByte((e-'0')<<6 | (s[i+1]-'0')<<3 | (s[i+2] - '0'))
				i += 2
			default:
				return "", "", false
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// matches reports whether the rule's pattern matches the file p (a path
// relative to the top of the work tree).
func (r *attrRule) matches(p, base string) bool {
	if r.dirOnly {
		return false // only directories, and a checkout asks about files
	}
	if r.nodir {
		return gitobj.Wildmatch(r.pattern, path.Base(p), false)
	}
	if base != "" {
		if !strings.HasPrefix(p, base+"/") {
			return false
		}
		p = p[len(base)+1:]
	}
	return gitobj.Wildmatch(r.pattern, p, true)
}

// attrStack is every attributes file that applies to a path, lowest
// precedence first: built-in, system, global, then the tree's from the top
// down, then $GIT_DIR/info/attributes. tree returns the parsed in-tree file
// of a directory ("" for the top), or nil when there is none.
type attrStack struct {
	outer  []*attrFile // built-in, system, global
	info   *attrFile
	tree   func(dir string) (*attrFile, error)
	macros map[string][]attrAssign
}

// newAttrStack resolves macros as git's determine_macros does: the
// definition of highest precedence wins. Only the top-level file and the
// files outside the tree may define macros.
func newAttrStack(outer []*attrFile, info *attrFile, tree func(string) (*attrFile, error)) (*attrStack, error) {
	s := &attrStack{outer: outer, info: info, tree: tree, macros: map[string][]attrAssign{}}
	top, err := tree("")
	if err != nil {
		return nil, err
	}
	files := append(append([]*attrFile{}, outer...), top, info)
	for i := len(files) - 1; i >= 0; i-- {
		if files[i] == nil {
			continue
		}
		rules := files[i].rules
		for j := len(rules) - 1; j >= 0; j-- {
			if m := rules[j].macro; m != "" {
				if _, ok := s.macros[m]; !ok {
					s.macros[m] = rules[j].states
				}
			}
		}
	}
	return s, nil
}

// lookup returns the attributes of the file p, filling each attribute once
// from the rule of highest precedence (git's fill / fill_one), expanding a
// macro set to true into its attributes at that point.
func (s *attrStack) lookup(p string) (map[string]attrValue, error) {
	files := append([]*attrFile{}, s.outer...)
	dirs := []string{""} // the top first, then each directory down to p's
	if d := path.Dir(p); d != "." {
		parts := strings.Split(d, "/")
		for i := range parts {
			dirs = append(dirs, strings.Join(parts[:i+1], "/"))
		}
	}
	for _, d := range dirs {
		f, err := s.tree(d)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	files = append(files, s.info)
	got := map[string]attrValue{}
	for i := len(files) - 1; i >= 0; i-- {
		f := files[i]
		if f == nil {
			continue
		}
		for j := len(f.rules) - 1; j >= 0; j-- {
			r := &f.rules[j]
			if r.macro == "" && r.matches(p, f.dir) {
				s.fill(got, r.states, 0)
			}
		}
	}
	return got, nil
}

func (s *attrStack) fill(got map[string]attrValue, states []attrAssign, depth int) {
	if depth > 100 {
		return // a macro cycle; git stops at attributes already filled
	}
	for i := len(states) - 1; i >= 0; i-- {
		a := states[i]
		if _, done := got[a.name]; done {
			continue
		}
		got[a.name] = a.val
		if m, ok := s.macros[a.name]; ok && a.val.kind == attrTrue {
			s.fill(got, m, depth+1)
		}
	}
}
