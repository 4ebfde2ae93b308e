// Package pager is the dashboard's scrollable read-only pane: the log and
// the diff of one repository, shown in a bubbles viewport under a title
// line. Its owner fills it with sanitized lines; the pager only scrolls.
package pager
