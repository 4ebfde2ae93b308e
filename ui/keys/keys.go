package keys

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// Map holds the dashboard's bindings. The field comment names the action
// used by config overrides.
type Map struct {
	Up, Down          key.Binding // up, down
	Top, Bottom       key.Binding // top, bottom
	PageUp, PageDown  key.Binding // page_up, page_down
	Filter            key.Binding // filter
	Sort              key.Binding // sort
	Select, SelectAll key.Binding // select, select_all
	Fetch, Pull       key.Binding // fetch, pull
	Clone, Refresh    key.Binding // clone, refresh
	Branch, Retry     key.Binding // branch, retry
	RefreshAll        key.Binding // refresh_all: every cloned repository
	Rescan            key.Binding // rescan: discover repositories again
	Open              key.Binding // open: the repository's web page
	Shell             key.Binding // shell: a shell in the repository
	Exec              key.Binding // exec: run a command in each target
	Edit              key.Binding // edit: $VISUAL/$EDITOR in the repository
	Lazygit           key.Binding // lazygit: lazygit in the repository
	Log, Diff         key.Binding // log, diff: the repository's commits, changes
	Detail            key.Binding // detail
	Help              key.Binding // help
	Back              key.Binding // back: close a pane, clear the filter
	Quit              key.Binding // quit
	Interrupt         key.Binding // interrupt: cancel everything and quit
	Yes, No           key.Binding // yes, no (confirm dialog)
}

// Default is the keymap without overrides.
func Default() Map {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return Map{
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		Top:       b("g/home", "top", "g", "home"),
		Bottom:    b("G/end", "bottom", "G", "end"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+b"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+f"),
		Filter:    b("/", "filter", "/"),
		Sort:      b("s", "sort", "s"),
		Select:    b("space", "select", "space"),
		SelectAll: b("a", "select all shown", "a"),
		Fetch:     b("f", "fetch", "f"),
		Pull:      b("p", "pull", "p"),
		Clone:     b("c", "clone missing", "c"),
		Refresh:   b("r", "refresh status", "r"),
		Branch:    b("b", "checkout branch", "b"),
		Retry:     b("R", "retry failed", "R"),
		// R is taken by retry; ctrl+r is the "reload" of many tools.
		RefreshAll: b("ctrl+r", "refresh all", "ctrl+r"),
		Rescan:     b("D", "rescan disk", "D"),
		Open:       b("o", "open web page", "o"),
		Shell:      b("!", "shell in repo", "!"),
		Exec:       b("x", "run command", "x"),
		Edit:       b("e", "edit repo", "e"),
		// g is top; L is free and says lazygit.
		Lazygit:   b("L", "lazygit", "L"),
		Log:       b("l", "log", "l"),
		Diff:      b("d", "diff", "d"),
		Detail:    b("enter", "details", "enter"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),
		Quit:      b("q", "quit", "q"),
		Interrupt: b("ctrl+c", "cancel all and quit", "ctrl+c"),
		Yes:       b("y", "yes", "y"),
		No:        b("n/esc", "no", "n", "esc"),
	}
}

// actions maps config names to bindings of m.
func (m *Map) actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &m.Up, "down": &m.Down, "top": &m.Top, "bottom": &m.Bottom,
		"page_up": &m.PageUp, "page_down": &m.PageDown, "filter": &m.Filter,
		"sort": &m.Sort, "select": &m.Select, "select_all": &m.SelectAll,
		"fetch": &m.Fetch, "pull": &m.Pull, "clone": &m.Clone, "refresh": &m.Refresh,
		"branch": &m.Branch, "retry": &m.Retry, "detail": &m.Detail, "help": &m.Help,
		"refresh_all": &m.RefreshAll, "rescan": &m.Rescan, "open": &m.Open, "shell": &m.Shell,
		"exec": &m.Exec,
		"edit": &m.Edit, "lazygit": &m.Lazygit, "log": &m.Log, "diff": &m.Diff,
		"back": &m.Back, "quit": &m.Quit, "interrupt": &m.Interrupt,
		"yes": &m.Yes, "no": &m.No,
	}
}

// Actions lists the names overrides may use, sorted.
func Actions() []string {
	m := Default()
	var names []string
	for n := range m.actions() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// WithOverrides returns the default keymap with the keys of some actions
// replaced. An unknown action, an empty key list or key, or two actions of
// the table sharing a key is an error, reported before the dashboard
// starts.
func WithOverrides(over map[string][]string) (Map, error) {
	m := Default()
	acts := m.actions()
	names := make([]string, 0, len(over))
	for n := range over {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ks := over[name]
		b, ok := acts[name]
		if !ok {
			return Map{}, fmt.Errorf("key binding %q: unknown action (want one of %s)", name, strings.Join(Actions(), ", "))
		}
		if len(ks) == 0 || slices.Contains(ks, "") {
			return Map{}, fmt.Errorf("key binding %q: no keys", name)
		}
		b.SetKeys(ks...)
		b.SetHelp(strings.Join(ks, "/"), b.Help().Desc)
	}
	return m, m.checkConflicts()
}

// checkConflicts rejects a key bound to two actions of the table view (the
// confirm dialog's yes/no live in their own mode and may reuse keys).
func (m Map) checkConflicts() error {
	owner := map[string]string{}
	acts := m.actions()
	names := Actions()
	for _, name := range names {
		if name == "yes" || name == "no" {
			continue
		}
		for _, k := range acts[name].Keys() {
			if prev, dup := owner[k]; dup {
				return fmt.Errorf("key %q is bound to both %q and %q", k, prev, name)
			}
			owner[k] = name
		}
	}
	return nil
}

// ShortHelp is the one-line help of the table view.
func (m Map) ShortHelp() []key.Binding {
	// The ones before Help go from the end when the line is too narrow.
	return []key.Binding{m.Filter, m.Fetch, m.Pull, m.Refresh, m.Select, m.Detail, m.Help, m.Quit}
}

// FullHelp is the `?` view, in columns.
func (m Map) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.Up, m.Down, m.Top, m.Bottom, m.PageUp, m.PageDown},
		{m.Filter, m.Sort, m.Select, m.SelectAll, m.Detail, m.Back},
		{m.Fetch, m.Pull, m.Clone, m.Refresh, m.RefreshAll, m.Branch, m.Retry},
		{m.Log, m.Diff, m.Open, m.Shell, m.Edit, m.Lazygit, m.Exec},
		{m.Rescan, m.Help, m.Quit, m.Interrupt},
	}
}
