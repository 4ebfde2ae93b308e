package app

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/manpage"
	"github.com/mgit-dev/mgit/engine"
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

// manCommand is 'mgit man [DIR]'.
func (c *cli) manCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "man [DIR]",
		Short: "Write the man pages of mgit and its commands into DIR",
		Long:  manLong,
		// Works with a broken configuration file.
		Annotations: map[string]string{annotationConfig: "optional"},
		Args:        maxArgs(1, "mgit man [DIR]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return c.runMan(cmd.Root(), dir)
		},
	}
}

// runMan writes the pages of root's tree into dir.
func (c *cli) runMan(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("Give a directory mgit may write to.", "man: %s", err)
	}
	files, err := manpage.WriteTree(root, dir, manpage.Header{Source: "mgit " + version(), Manual: "mgit manual"})
	if err != nil {
		return &exitError{code: engine.ExitFailed, err: fmt.Errorf("man: %w", err)}
	}
	for _, f := range files {
		if _, err := fmt.Fprintln(c.stdout, f); err != nil {
			return &exitError{code: engine.ExitFailed, err: fmt.Errorf("output: %w", err)}
		}
	}
	return nil
}
