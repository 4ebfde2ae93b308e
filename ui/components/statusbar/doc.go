// Package statusbar is the dashboard's bottom: one line for the latest
// message or error, one line of short help from the keymap.
package statusbar
