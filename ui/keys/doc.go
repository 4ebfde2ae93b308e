// Package keys is the dashboard's one keymap: every action is a
// key.Binding with its help text, so the help view, the status line and
// the config file's overrides all read from the same place.
package keys
