package gogit

import (
	"fmt"
	"io"
	"strings"
)

// This file decides, per path, what git 2.39's convert.c would do to a
// blob on its way into the work tree, and does it while streaming. Only
// end-of-line conversion is reproduced; everything else that would change
// the bytes (filter drivers, ident, working-tree-encoding) is refused
// before the work tree is touched, because writing the blob unchanged
// would leave a file git considers different from what it would write.

// cannotCheckoutError says which attribute or setting the go-git backend
// cannot apply, and for which path.
type cannotCheckoutError struct {
	path string // "" when the whole repository is concerned
	what string
}

func (e *cannotCheckoutError) Error() string {
	where := ""
	if e.path != "" {
		where = " for path " + e.path
	}
	return fmt.Sprintf("the go-git backend cannot apply %s%s; install git or %s", e.what, where, cliHint)
}

// crlfAction is git's enum convert_crlf_action.
type crlfAction int8

const (
	crlfUndefined crlfAction = iota
	crlfBinary
	crlfText
	crlfTextInput
	crlfTextCRLF
	crlfAuto
	crlfAutoInput
	crlfAutoCRLF
)

// eolMode is what a checkout does to line endings of one file.
type eolMode int8

const (
	eolKeep     eolMode = iota // write the blob as it is
	eolToCRLF                  // turn every LF not after a CR into CRLF
	eolAutoCRLF                // the same, unless git's auto rules call the content binary or mixed
)

// checkoutConfig holds the settings that change what a checkout writes.
type checkoutConfig struct {
	autocrlf string // "false", "true" or "input"
	eol      string // core.eol: "lf", "crlf", "native" or ""
	symlinks bool   // core.symlinks
	fileMode bool   // core.fileMode: the executable bit of a file counts
}

// decide returns what a checkout does to the file p, whose attributes are
// attrs, or a *cannotCheckoutError.
func (c *checkoutConfig) decide(p string, attrs map[string]attrValue) (eolMode, error) {
	if v := attrs["filter"]; v.kind == attrString {
		return eolKeep, &cannotCheckoutError{path: p, what: "filter=" + v.s}
	}
	if attrs["ident"].kind == attrTrue {
		return eolKeep, &cannotCheckoutError{path: p, what: "the ident attribute"}
	}
	if v := attrs["working-tree-encoding"]; v.kind == attrString && v.s != "" && !strings.EqualFold(v.s, "UTF-8") {
		return eolKeep, &cannotCheckoutError{path: p, what: "working-tree-encoding=" + v.s}
	}
	action := c.action(attrs)
	if c.outputCRLF(action) {
		if action == crlfAuto || action == crlfAutoInput || action == crlfAutoCRLF {
			return eolAutoCRLF, nil
		}
		return eolToCRLF, nil
	}
	return eolKeep, nil
}

// action is convert_attrs: the attributes and core.autocrlf resolved to
// one crlfAction.
func (c *checkoutConfig) action(attrs map[string]attrValue) crlfAction {
	a := pathCRLF(attrs["text"])
	if a == crlfUndefined {
		a = pathCRLF(attrs["crlf"])
	}
	if a != crlfBinary {
		eol := attrs["eol"]
		lf := eol.kind == attrString && eol.s == "lf"
		crlf := eol.kind == attrString && eol.s == "crlf"
		switch {
		case a == crlfAuto && lf:
			a = crlfAutoInput
		case a == crlfAuto && crlf:
			a = crlfAutoCRLF
		case lf:
			a = crlfTextInput
		case crlf:
			a = crlfTextCRLF
		}
	}
	if a == crlfText {
		if c.textEOLIsCRLF() {
			a = crlfTextCRLF
		} else {
			a = crlfTextInput
		}
	}
	if a == crlfUndefined {
		switch c.autocrlf {
		case "true":
			a = crlfAutoCRLF
		case "input":
			a = crlfAutoInput
		default:
			a = crlfBinary
		}
	}
	return a
}

func pathCRLF(v attrValue) crlfAction {
	switch {
	case v.kind == attrTrue:
		return crlfText
	case v.kind == attrFalse:
		return crlfBinary
	case v.kind == attrString && v.s == "input":
		return crlfTextInput
	case v.kind == attrString && v.s == "auto":
		return crlfAuto
	}
	return crlfUndefined
}

// textEOLIsCRLF is git's text_eol_is_crlf on a system whose native line
// ending is LF.
func (c *checkoutConfig) textEOLIsCRLF() bool {
	switch c.autocrlf {
	case "true":
		return true
	case "input":
		return false
	}
	return c.eol == "crlf"
}

// outputCRLF is git's output_eol(action) == EOL_CRLF.
func (c *checkoutConfig) outputCRLF(a crlfAction) bool {
	switch a {
	case crlfTextCRLF, crlfAutoCRLF:
		return true
	case crlfText, crlfAuto:
		return c.textEOLIsCRLF()
	}
	return false
}

// textStats is git's struct text_stat, gathered a chunk at a time.
type textStats struct {
	nul, lonecr, lonelf, crlf, printable, nonprintable int64
	size                                               int64
	pendingCR                                          bool // the last byte seen was a CR
	last                                               byte
}

func (s *textStats) Write(b []byte) (int, error) {
	for _, c := range b {
		if s.pendingCR {
			s.pendingCR = false
			if c == '\n' {
				s.crlf++
				continue
			}
			s.lonecr++
		}
		switch {
		case c == '\r':
			s.pendingCR = true
		case c == '\n':
			s.lonelf++
		case c == 127:
			s.nonprintable++
		case c < 32:
			switch c {
			case '\b', '\t', '\033', '\014':
				s.printable++
			case 0:
				s.nul++
				s.nonprintable++
			default:
				s.nonprintable++
			}
		default:
			s.printable++
		}
	}
	if len(b) > 0 {
		s.last = b[len(b)-1]
		s.size += int64(len(b))
	}
	return len(b), nil
}

// finish completes the counts at the end of the file.
func (s *textStats) finish() {
	if s.pendingCR {
		s.pendingCR = false
		s.lonecr++
	}
	if s.size >= 1 && s.last == '\032' {
		s.nonprintable-- // a trailing EOF character is not binary
	}
}

// autoConverts is will_convert_lf_to_crlf for the auto actions: only text
// with bare LFs and no CR at all is converted.
func (s *textStats) autoConverts() bool {
	if s.lonelf == 0 || s.lonecr > 0 || s.crlf > 0 {
		return false
	}
	binary := s.nul > 0 || (s.printable>>7) < s.nonprintable
	return !binary
}

// crlfWriter writes what it is given with every LF that does not follow a
// CR turned into CRLF: crlf_to_worktree, streaming.
type crlfWriter struct {
	w    io.Writer
	prev byte
	buf  []byte
}

func (c *crlfWriter) Write(b []byte) (int, error) {
	c.buf = c.buf[:0]
	for _, ch := range b {
		if ch == '\n' && c.prev != '\r' {
			c.buf = append(c.buf, '\r')
		}
		c.buf = append(c.buf, ch)
		c.prev = ch
	}
	if _, err := c.w.Write(c.buf); err != nil {
		return 0, err
	}
	return len(b), nil
}
