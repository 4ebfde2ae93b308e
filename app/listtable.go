package app

import (
	"strings"

	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/ui/headless"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// listColumns are `mgit list`'s columns. The repository's full name is
// what a row is about and is kept; on a narrow terminal the provider's
// name goes first (one configured provider makes it the same on every
// row), then the flags, and the default branch is shortened before it
// goes.
func listColumns() []headless.Column {
	return []headless.Column{
		{Header: "PROVIDER", Priority: 20, Min: 8},
		{Header: "REPOSITORY", Priority: 100, Keep: true, Min: 24},
		{Header: "BRANCH", Priority: 40, Min: 10},
		{Header: "FLAGS", Priority: 30},
	}
}

// listTable lays out listed repositories as text lines fitted to width
// (0: no limit), the header first.
func listTable(repos []provider.Repo, width int) []string {
	rows := make([][]string, 0, len(repos))
	for _, r := range repos {
		var flags []string
		for _, fl := range []struct {
			on   bool
			name string
		}{{r.Private, "private"}, {r.Archived, "archived"}, {r.Fork, "fork"}, {r.Disabled, "disabled"}} {
			if fl.on {
				flags = append(flags, fl.name)
			}
		}
		rows = append(rows, []string{safetext.Sanitize(r.Provider), safetext.Sanitize(r.FullName),
			dash(safetext.Sanitize(r.DefaultBranch)), dash(strings.Join(flags, ","))})
	}
	return headless.Table{Columns: listColumns(), Rows: rows, Width: width}.Lines()
}

// termWidth is the width text tables fit in: COLUMNS, else stdout's
// terminal, else no limit (see headless.TerminalWidth).
func (c *Factory) termWidth() int { return headless.TerminalWidth(c.stdout, c.getenv) }
