// Package headless is the presenter used without a terminal UI (--no-tui, or
// whenever stdout is not a terminal). It consumes the engine's event stream
// until the run finishes and writes either text for people (a status table,
// or one line per finished operation, then a summary) or NDJSON for scripts
// (one object per line, each with a "type").
//
// Text tables (Table) fit the terminal's width (TerminalWidth: COLUMNS, else
// the terminal stdout is, else no limit): each column has a priority, and
// the least valuable are shortened and dropped first, so a row never wraps
// in a terminal while a pipe or a CI log still gets every column in full.
//
// Every string that came from a repository or a server (branch names, commit
// subjects, authors, git's error output) is stripped of terminal control
// sequences before it is written: a hostile commit subject must not be able
// to rewrite the user's terminal.
//
// headless imports no charm.land package: it must work, and stay small, in
// the distroless container.
package headless
