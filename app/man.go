package app

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/manpage"
)

const manLong = `Write a roff man page for mgit and for each of its commands (mgit.1,
mgit-status.1, mgit-config-path.1, ...) into DIR (default .), creating it,
and print the files written.

The pages are made from the same command definitions as --help and shell
completion, so the three always agree. Read one with 'man -l mgit-status.1',
or install them all where man looks:

  mgit man ~/.local/share/man/man1

The release archives carry the pages under man/. The container image has no
man: write the pages out of it into a mounted directory and read them on the
host:

  docker run --rm --user "$(id -u)" -v "$PWD/man:/man" IMAGE man /man`

// ManOptions are `mgit man [DIR]`.
type ManOptions struct {
	f *Factory
	// Root is the command tree whose pages are written; Dir is where.
	Root *cobra.Command
	Dir  string
}

// NewCmdMan is 'mgit man [DIR]'. runF, when not nil, runs instead of
// manRun (tests).
func NewCmdMan(f *Factory, runF func(*ManOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "man [DIR]",
		Short: "Write the man pages of mgit and its commands into DIR",
		Long:  manLong,
		// Works with a broken configuration file.
		Annotations: map[string]string{annotationConfig: "optional"},
		Args:        maxArgs(1, "mgit man [DIR]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &ManOptions{f: f, Root: cmd.Root(), Dir: "."}
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return manRun(opts)
		},
	}
}

// manRun writes the pages of opts.Root's tree into opts.Dir.
func manRun(opts *ManOptions) error {
	dir := opts.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("Give a directory mgit may write to.", "man: %s", err)
	}
	files, err := manpage.WriteTree(opts.Root, dir, manpage.Header{Source: "mgit " + version(), Manual: "mgit manual"})
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("man: %w", err)}
	}
	for _, f := range files {
		if _, err := fmt.Fprintln(opts.f.stdout, f); err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("output: %w", err)}
		}
	}
	return nil
}
