package gitobj

import (
	"errors"
	"fmt"
	"strings"
)

// configParser is a port of git's config.c parser (git_parse_source,
// get_base_var, get_extended_base_var, get_value, parse_value), so a file
// means here what it means to git, and a file git rejects is rejected.
type configParser struct {
	b    []byte
	pos  int
	line int
	eof  bool
}

var errConfigSyntax = fmt.Errorf("config syntax git rejects: %w", ErrNeedGit)

// next is get_next_char: "\r\n" reads as "\n", and the end of the file as
// a final "\n".
func (p *configParser) next() byte {
	if p.pos >= len(p.b) {
		p.eof = true
		return '\n'
	}
	c := p.b[p.pos]
	p.pos++
	if c == '\r' && p.pos < len(p.b) && p.b[p.pos] == '\n' {
		c = '\n'
		p.pos++
	}
	if c == '\n' {
		p.line++
	}
	return c
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isAlpha(c byte) bool   { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isKeyChar(c byte) bool { return isAlpha(c) || (c >= '0' && c <= '9') || c == '-' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (p *configParser) parse(c *Config) error {
	p.line = 1
	for i := range p.b {
		if p.b[i] == 0 {
			return errConfigSyntax // git stops reading at a NUL
		}
	}
	comment := false
	var base string
	for {
		ch := p.next()
		if ch == '\n' {
			if p.eof {
				return nil
			}
			comment = false
			continue
		}
		if comment || isSpace(ch) {
			continue
		}
		if ch == '#' || ch == ';' {
			comment = true
			continue
		}
		if ch == '[' {
			name, err := p.baseVar()
			if err != nil || name == "" {
				return errConfigSyntax
			}
			base = name + "."
			continue
		}
		if !isAlpha(ch) || base == "" {
			// A key before any section: git accepts it, we do not model it.
			return errConfigSyntax
		}
		if err := p.value(c, base, ch); err != nil {
			return err
		}
	}
}

// baseVar reads a section header after '[': "name]", "name.sub]" (the old
// syntax, lower-cased) or `name "sub"]`.
func (p *configParser) baseVar() (string, error) {
	var name strings.Builder
	for {
		c := p.next()
		if p.eof {
			return "", errConfigSyntax
		}
		if c == ']' {
			return name.String(), nil
		}
		if isSpace(c) {
			if strings.Contains(name.String(), ".") {
				// [a.b "c"] is section a, subsection "b.c" to git: too odd.
				return "", errConfigSyntax
			}
			return p.extendedBaseVar(name.String(), c)
		}
		if !isKeyChar(c) && c != '.' {
			return "", errConfigSyntax
		}
		name.WriteByte(lower(c))
	}
}

func (p *configParser) extendedBaseVar(name string, c byte) (string, error) {
	for {
		if c == '\n' {
			return "", errConfigSyntax
		}
		c = p.next()
		if !isSpace(c) {
			break
		}
	}
	if c != '"' {
		return "", errConfigSyntax
	}
	var sub strings.Builder
	for {
		c := p.next()
		if c == '\n' {
			return "", errConfigSyntax
		}
		if c == '"' {
			break
		}
		if c == '\\' {
			if c = p.next(); c == '\n' {
				return "", errConfigSyntax
			}
		}
		sub.WriteByte(c)
	}
	if p.next() != ']' {
		return "", errConfigSyntax
	}
	return name + "." + sub.String(), nil
}

// value is get_value: a key name (first character already read), then
// nothing (a bare boolean) or "=" and a value.
func (p *configParser) value(cfg *Config, base string, first byte) error {
	name := []byte(base)
	name = append(name, lower(first))
	var c byte
	for {
		c = p.next()
		if p.eof || !isKeyChar(c) {
			break
		}
		name = append(name, lower(c))
	}
	for c == ' ' || c == '\t' {
		c = p.next()
	}
	if c == '\n' {
		cfg.push(configEntry{name: string(name), bare: true})
		return nil
	}
	if c != '=' {
		return errConfigSyntax
	}
	v, err := p.parseValue()
	if err != nil {
		return err
	}
	cfg.push(configEntry{name: string(name), value: v})
	return nil
}

var errUnterminated = errors.New("unterminated quote or bad escape")

// parseValue is parse_value: white space outside quotes is kept only
// between words (each character becoming a space), # and ; outside quotes
// start a comment, backslash escapes \n \t \b \\ \" and joins lines.
func (p *configParser) parseValue() (string, error) {
	var v []byte
	quote, comment, space := false, false, 0
	for {
		c := p.next()
		if c == '\n' {
			if quote {
				return "", fmt.Errorf("%w: %w", errUnterminated, errConfigSyntax)
			}
			return string(v), nil
		}
		if comment {
			continue
		}
		if isSpace(c) && !quote {
			if len(v) > 0 {
				space++
			}
			continue
		}
		if !quote && (c == ';' || c == '#') {
			comment = true
			continue
		}
		for ; space > 0; space-- {
			v = append(v, ' ')
		}
		switch c {
		case '\\':
			switch c = p.next(); c {
			case '\n':
				continue
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case '\\', '"':
			default:
				return "", fmt.Errorf("%w: %w", errUnterminated, errConfigSyntax)
			}
			v = append(v, c)
		case '"':
			quote = !quote
		default:
			v = append(v, c)
		}
	}
}
