// Package manpage writes roff man pages (section 1) from a cobra command
// tree: the same Use, Short, Long, Example and flags that --help prints and
// that shell completion offers, so the three cannot disagree.
//
// It is a small generator of its own rather than cobra/doc, which brings
// go-md2man and blackfriday into the binary to turn Markdown into roff;
// mgit's help text is plain text, and plain text needs only escaping.
// It uses no text/template (see scripts/ci/deploycheck/binsize_test.go).
package manpage
