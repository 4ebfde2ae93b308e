package app

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
)

const execUsage = "mgit exec [DIR] [--query QUERY] [--shell] [--stream] -- COMMAND [ARG...]"

// ExecOptions are `mgit exec`.
type ExecOptions struct {
	f *Factory
	// Dir is where to search: DIR, else the configured workspace when a
	// query is given, else ".".
	Dir   string
	Query string
	// Argv is the command after "--"; with Shell its one element is a
	// script for sh -c.
	Argv          []string
	Shell, Stream bool
}

// NewCmdExec is `mgit exec [DIR] -- COMMAND [ARG...]`: a command in every
// repository, through the engine's exec operation. runF, when not nil,
// runs instead of execRun (tests).
func NewCmdExec(f *Factory, runF func(context.Context, *ExecOptions) error) *cobra.Command {
	opts := &ExecOptions{f: f}
	cmd := &cobra.Command{
		Use:   "exec [DIR] -- COMMAND [ARG...]",
		Short: "Run a command in every repository under DIR",
		Long: `Run COMMAND in every git repository under DIR (default: the current
directory), concurrently, with the repository's work tree as the working
directory. COMMAND runs without a shell: its arguments reach it as given.
With --shell, the one argument after -- is a script run with sh -c, so
pipes, globs and $VARIABLES work.

Each repository's output (stdout and stderr) is printed as one block,
headed "==> PATH", when its command finishes, so concurrent outputs never
mix; --stream prints every line as it comes instead, prefixed "PATH: ".
A command that exits non-zero gets a FAIL line. The last line sums up;
mgit exits 0 when every command exited 0, 1 when any did not, 130 when
interrupted (Ctrl-C stops every command and what it started within a
second).

With --output json, each repository's "op" line carries exit_code, stdout
and stderr (--stream adds an "output" line per line written). At most
1 MiB of output is kept per repository; "truncated" says when it was cut.

The commands get your environment without mgit's secrets: no MGIT_*
variable and none of the providers' token variables (GITHUB_TOKEN,
GH_TOKEN, GITLAB_TOKEN, ...), and no credential of mgit's. A command runs
while no mgit operation changes the same repository (fetch, pull, clone and
checkout wait for it, and it for them); an mgit started by the command
itself that changes the repository would wait for it in turn.

--query QUERY runs the command only in the repositories matching it.` + queryLocalHelp + discoveryHelp,
		Example: `  mgit exec ~/src -- git log -1 --oneline
  mgit exec --stream -- make test
  mgit exec --shell ~/src -- 'git branch --show-current | grep -qx main || pwd'
  mgit exec --query 'acme/*-api' -o json -- go vet ./... | jq -r 'select(.exit_code > 0) | .path'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			dirArgs, argv, err := splitExecArgs(args, cmd.ArgsLenAtDash(), opts.Shell)
			if err != nil {
				return err
			}
			opts.Dir, opts.Argv = f.queryDir(dirArgs, opts.Query), argv
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return execRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Query, "query", "", "only repositories matching org/project/repo globs")
	cmd.Flags().BoolVar(&opts.Shell, "shell", false, "run the one argument after -- as a script with sh -c")
	cmd.Flags().BoolVar(&opts.Stream, "stream", false, "print lines as they come, prefixed with the repository's path")
	f.disc.addFlags(cmd.Flags())
	return cmd
}

// splitExecArgs separates DIR from the command at "--" (dash is cobra's
// ArgsLenAtDash: -1 when there was none).
func splitExecArgs(args []string, dash int, shell bool) (dir, argv []string, err error) {
	switch {
	case dash < 0:
		return nil, nil, usagef("Usage: "+execUsage, "exec: put -- before the command, e.g. mgit exec -- git status")
	case dash > 1:
		return nil, nil, usagef("Usage: "+execUsage, "exec: too many arguments before --: %s", strings.Join(args[1:dash], " "))
	case dash == len(args):
		return nil, nil, usagef("Usage: "+execUsage, "exec: no command after --")
	case shell && len(args)-dash != 1:
		return nil, nil, usagef("Usage: mgit exec --shell [DIR] -- 'SCRIPT' (quote the script as one argument)",
			"exec --shell: want one script after --, got %d arguments", len(args)-dash)
	case strings.TrimSpace(args[dash]) == "":
		return nil, nil, usagef("Usage: "+execUsage, "exec: the command is empty")
	}
	return args[:dash], args[dash:], nil
}

// execRun runs the command in the repositories under opts.Dir matching
// opts.Query.
func execRun(ctx context.Context, opts *ExecOptions) error {
	f := opts.f
	jobs, paths, err := f.workspacePlan(ctx, opts.Dir, engine.OpExec)
	if err != nil {
		return err
	}
	if jobs, err = narrow(jobs, opts.Dir, opts.Query); err != nil {
		return err
	}
	opt := engine.Options{Exec: engine.ExecOptions{Argv: opts.Argv, Shell: opts.Shell, Stream: opts.Stream}}
	return f.execute(ctx, engine.Plan{Jobs: jobs, Options: opt}, paths, view{execStream: opts.Stream})
}
