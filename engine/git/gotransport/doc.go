// Package gotransport holds the one process-wide setting mgit makes to
// go-git: its HTTP(S) transport follows no redirect. go-git picks a
// transport by scheme from a process-wide table (client.InstallProtocol),
// with no per-call option, and the table is a plain map: every in-process
// use of go-git's transport (the go-git backend, the git CLI backend's
// in-process ref listing) calls NoRedirects first, so the one write
// happens before any read, whichever of them comes first.
package gotransport
