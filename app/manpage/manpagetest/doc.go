// Package manpagetest holds the test helper that renders man pages with
// the tools on the machine (groff, man) and fails on any warning.
package manpagetest
