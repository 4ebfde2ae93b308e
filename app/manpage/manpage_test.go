package manpage

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/manpage/manpagetest"
)

func tree() *cobra.Command {
	root := &cobra.Command{Use: "tool [DIR]", Short: "Do things", Long: "First paragraph\nwraps here.\n\nVariables:\n  A  one\n  B  two\n\n.dot and 'quote start a line\\path"}
	root.PersistentFlags().StringP("output", "o", "text", "output format – text or json")
	sub := &cobra.Command{Use: "sub NAME", Short: "A sub-command", Run: func(*cobra.Command, []string) {},
		Example: "  tool sub x\n  tool sub -n y"}
	sub.Flags().IntP("number", "n", 3, "how many")
	sub.Flags().Bool("secret", false, "not shown")
	_ = sub.Flags().MarkHidden("secret")
	group := &cobra.Command{Use: "group", Short: "A group"}
	leaf := &cobra.Command{Use: "leaf", Short: "A leaf", Run: func(*cobra.Command, []string) {}}
	group.AddCommand(leaf)
	hidden := &cobra.Command{Use: "internal", Short: "Hidden", Hidden: true, Run: func(*cobra.Command, []string) {}}
	old := &cobra.Command{Use: "old", Short: "Old", Deprecated: "use sub", Run: func(*cobra.Command, []string) {}}
	root.AddCommand(sub, group, hidden, old)
	return root
}

func TestWriteTreeOnePagePerDocumentedCommand(t *testing.T) {
	dir := t.TempDir()
	files, err := WriteTree(tree(), dir, Header{Source: "tool v1", Manual: "tool manual"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if got, want := strings.Join(names, " "), "tool.1 tool-group.1 tool-group-leaf.1 tool-sub.1"; got != want {
		t.Fatalf("pages %q, want %q (no hidden or deprecated command)", got, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(files) {
		t.Fatalf("%d files in the directory, %d reported", len(entries), len(files))
	}
}

func TestWritePage(t *testing.T) {
	root := tree()
	sub, _, _ := root.Find([]string{"sub"})
	var b bytes.Buffer
	if err := Write(&b, sub, Header{Source: "tool v1", Manual: "tool manual"}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`.TH "TOOL\-SUB" "1" "" "tool v1" "tool manual"`,
		"tool\\-sub \\- A sub\\-command",
		`\fB\-n\fR, \fB\-\-number\fR \fIint\fR`, "how many (default 3)",
		".SH OPTIONS INHERITED FROM PARENT COMMANDS", `\fB\-o\fR, \fB\-\-output\fR \fIstring\fR`,
		`(default "text")`, "\\[u2013]",
		".nf\ntool sub x\ntool sub \\-n y\n.fi",
		`\fBtool\fR(1)`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "secret") {
		t.Errorf("a hidden flag is documented:\n%s", page)
	}
}

func TestWriteRootEscapesAndKeepsTables(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, tree(), Header{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"First paragraph\nwraps here.\n.PP\n.nf\nVariables:\n  A  one\n  B  two\n.fi",
		"\\&.dot and 'quote start a line\\epath",
		".SH COMMANDS", `\fBgroup\fR`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "internal") || strings.Contains(page, "tool-old") {
		t.Errorf("hidden or deprecated command listed:\n%s", page)
	}
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, "'") {
			t.Errorf("line read as a request: %q", l)
		}
	}
}

// TestPagesRender runs the pages through groff with every warning on, and
// through man -l when it is there: a page that makes either complain
// fails.
func TestPagesRender(t *testing.T) {
	dir := t.TempDir()
	files, err := WriteTree(tree(), dir, Header{Source: "tool v1", Manual: "tool manual"})
	if err != nil {
		t.Fatal(err)
	}
	manpagetest.RequireCleanRender(t, files)
}
