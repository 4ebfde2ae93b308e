// Command screenshot makes docs/dashboard.png, the README's picture of the
// dashboard, from a real run: it builds a workspace of about twenty
// repositories in varied states (clean, changed, ahead, behind, diverged,
// detached, stashed, without upstream, and some only upstream, listed by
// a fake GitHub API on loopback), runs the mgit binary on a
// pseudo-terminal, replays what it draws into a terminal emulator
// (github.com/charmbracelet/x/vt), waits until every repository has its
// state, and paints the emulator's cells, colours included, with the Go
// Mono font into a PNG.
//
//	go run ./scripts/screenshot -bin ./mgit -out docs/dashboard.png
//
// (`just screenshot` builds the binary and runs this.) It is a tool of the
// repository, not of mgit: nothing of it is linked into the binary.
package main
