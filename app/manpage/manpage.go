package manpage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Header is what the top and bottom lines of every page say.
type Header struct {
	// Source is the program and its version ("mgit v1.4.0").
	Source string
	// Manual names the manual ("mgit manual").
	Manual string
	// Date is printed as is; "" leaves it out, so the pages of one
	// version are the same whenever they are made.
	Date string
}

// Name is the page name of cmd: its command path with dashes
// ("mgit-config-path").
func Name(cmd *cobra.Command) string {
	return strings.ReplaceAll(cmd.CommandPath(), " ", "-")
}

// Documented reports whether cmd gets a page: what --help lists as a
// command (not hidden, not deprecated, not the help command).
func Documented(cmd *cobra.Command) bool {
	return cmd.IsAvailableCommand() && cmd.Name() != "help"
}

// WriteTree writes NAME.1 into dir for cmd and every documented command
// below it, and returns the files written in the order of the tree.
func WriteTree(root *cobra.Command, dir string, h Header) ([]string, error) {
	var files []string
	var walk func(cmd *cobra.Command) error
	walk = func(cmd *cobra.Command) error {
		name := filepath.Join(dir, Name(cmd)+".1")
		if err := writeFile(name, cmd, h); err != nil {
			return err
		}
		files = append(files, name)
		for _, sub := range cmd.Commands() {
			if Documented(sub) {
				if err := walk(sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return files, walk(root)
}

func writeFile(name string, cmd *cobra.Command, h Header) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	bw := bufio.NewWriter(f)
	if err := Write(bw, cmd, h); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return bw.Flush()
}

// Write writes the page of cmd to w.
func Write(w io.Writer, cmd *cobra.Command, h Header) error {
	p := &page{}
	name := Name(cmd)
	p.line(".TH", quote(strings.ToUpper(name)), `"1"`, quote(h.Date), quote(h.Source), quote(h.Manual))
	// No hyphenation: command and flag names must read as they are typed.
	p.line(".nh")
	p.line(".ad l")
	p.section("NAME")
	p.text(escape(name) + ` \- ` + escape(cmd.Short))
	p.section("SYNOPSIS")
	p.synopsis(cmd)
	p.section("DESCRIPTION")
	desc := cmd.Long
	if desc == "" {
		desc = cmd.Short
	}
	p.prose(desc)
	if cmd.HasAvailableSubCommands() {
		p.section("COMMANDS")
		for _, sub := range cmd.Commands() {
			if Documented(sub) {
				p.line(".TP")
				p.text(`\fB` + escape(sub.Name()) + `\fR`)
				p.text(escape(sub.Short))
			}
		}
	}
	p.flags("OPTIONS", cmd.NonInheritedFlags())
	p.flags("OPTIONS INHERITED FROM PARENT COMMANDS", cmd.InheritedFlags())
	if cmd.Example != "" {
		p.section("EXAMPLES")
		p.verbatim(cmd.Example)
	}
	p.seeAlso(cmd)
	_, err := io.WriteString(w, p.b.String())
	return err
}

// page accumulates roff source.
type page struct{ b strings.Builder }

func (p *page) line(parts ...string) {
	p.b.WriteString(strings.Join(parts, " "))
	p.b.WriteByte('\n')
}

// text writes a line of running text, already escaped.
func (p *page) text(s string) { p.line(s) }

func (p *page) section(title string) { p.line(".SH", title) }

func (p *page) synopsis(cmd *cobra.Command) {
	use := cmd.UseLine()
	path := cmd.CommandPath()
	rest := strings.TrimSpace(strings.TrimPrefix(use, path))
	p.text(`\fB` + escape(path) + `\fR ` + escape(rest))
	if cmd.HasAvailableSubCommands() && !cmd.Runnable() {
		p.line(".br")
		p.text(`\fB` + escape(path) + `\fR \fICOMMAND\fR [flags]`)
	}
}

// prose writes help text: paragraphs split at blank lines; a paragraph
// with an indented line (a table of variables or exit codes) keeps its
// lines as they are, the rest is filled.
func (p *page) prose(s string) {
	for i, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		para = strings.Trim(para, "\n")
		if para == "" {
			continue
		}
		if i > 0 {
			p.line(".PP")
		}
		lines := strings.Split(para, "\n")
		indented := false
		for _, l := range lines[min(1, len(lines)-1):] {
			if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
				indented = true
			}
		}
		if indented {
			p.line(".nf")
		}
		for _, l := range lines {
			if indented {
				p.text(escapeLine(l))
			} else {
				p.text(escapeLine(strings.TrimSpace(l)))
			}
		}
		if indented {
			p.line(".fi")
		}
	}
}

// verbatim writes s in no-fill mode, indented by the page rather than by
// the indent --help gives it.
func (p *page) verbatim(s string) {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	cut := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); cut < 0 || n < cut {
			cut = n
		}
	}
	p.line(".PP")
	p.line(".RS 4")
	p.line(".nf")
	for _, l := range lines {
		p.text(escapeLine(l[min(cut, len(l)-len(strings.TrimLeft(l, " "))):]))
	}
	p.line(".fi")
	p.line(".RE")
}

func (p *page) flags(title string, fs *pflag.FlagSet) {
	var fl []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			fl = append(fl, f)
		}
	})
	if len(fl) == 0 {
		return
	}
	p.section(title)
	for _, f := range fl {
		p.line(".TP")
		p.text(flagTerm(f))
		usage := f.Usage
		if d := defaultOf(f); d != "" {
			usage += " (default " + d + ")"
		}
		if f.Deprecated != "" {
			usage += " Deprecated: " + f.Deprecated
		}
		p.text(escapeLine(usage))
	}
}

// flagTerm is "-j, --concurrency int" in roff: names bold, the value's
// type in italics, as --help shows them.
func flagTerm(f *pflag.Flag) string {
	var b strings.Builder
	if f.Shorthand != "" && f.ShorthandDeprecated == "" {
		b.WriteString(`\fB\-` + escape(f.Shorthand) + `\fR, `)
	}
	b.WriteString(`\fB\-\-` + escape(f.Name) + `\fR`)
	if name, _ := pflag.UnquoteUsage(f); name != "" {
		b.WriteString(` \fI` + escape(name) + `\fR`)
	}
	return b.String()
}

// defaultOf is the default --help would print, or "".
func defaultOf(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "0", "false", "[]", "0s":
		return ""
	}
	if f.Value.Type() == "string" {
		return `"` + f.DefValue + `"`
	}
	return f.DefValue
}

func (p *page) seeAlso(cmd *cobra.Command) {
	var refs []string
	if cmd.HasParent() {
		refs = append(refs, `\fB`+Name(cmd.Parent())+`\fR(1)`)
	}
	for _, sub := range cmd.Commands() {
		if Documented(sub) {
			refs = append(refs, `\fB`+Name(sub)+`\fR(1)`)
		}
	}
	if len(refs) == 0 {
		return
	}
	p.section("SEE ALSO")
	p.text(strings.Join(refs, ", "))
}

// escape makes s safe inside a roff line: backslashes, hyphens (a plain
// "-" may be typeset as a hyphen, breaking copied options), and any
// character beyond ASCII as a \[uXXXX] escape, which groff and mandoc
// read whatever the input encoding they assume.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 0x7e || (r < 0x20 && r != '\t'):
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escapeLine is escape for a whole line, which also must not start with
// a control character ("." or "'") nor be read as a blank line.
func escapeLine(s string) string {
	s = escape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	if strings.TrimSpace(s) == "" {
		return ".sp"
	}
	return s
}

// quote is s as one argument of a request.
func quote(s string) string {
	return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"`
}
