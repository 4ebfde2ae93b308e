package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/telemetry"
	"github.com/mgit-dev/mgit/ui/headless"
)

// Environment variables read besides the credentials.
const (
	envLogLevel = "MGIT_LOG_LEVEL"
	envNoColor  = "NO_COLOR"
)

// Main runs mgit with args (without the program name) and returns the exit
// code: 0 success, 1 an operation failed, 2 usage or configuration error, 3
// authentication failure, 130 interrupted. Cancelling ctx (SIGINT, SIGTERM)
// interrupts the run; Main returns once the engine has stopped it.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	c := newFactory(stdout, stderr, getenv, ChooseBackend)
	c.secureStreams()
	// Deferred first so that it runs last: whatever is still held reaches
	// stdout and stderr on every way out (errors and interruption too).
	defer c.flushStreams()
	defer c.logs.closeAudit()
	root := NewCmdRoot(c)
	root.SetArgs(args)
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		c.logs.auditRejected(err)
		code, msg, hint := exitCodeOf(err)
		if msg != "" {
			fmt.Fprintf(c.stderr, "mgit: %s\n", c.redact(msg))
		}
		if hint != "" {
			fmt.Fprintf(c.stderr, "%s\n", c.redact(hint))
		}
		return code
	}
	return c.code
}

// rootLong is the root command's help; the paragraph on credentials names
// every provider kind's token variables from the kind table.
func rootLong() string {
	return rootLongHead + "\n\n" + rootCredentialsHelp(provider.Kinds()) + "\n\n" + rootLongTail
}

const rootLongHead = `mgit runs git across many repositories at once: status, fetch, pull and
clone, concurrently, with one line or one JSON object per repository.

Run without a command on a terminal, mgit opens the dashboard over the
repositories under DIR (default .): it paints the last known state at once,
refreshes it in the background, and fetches, pulls and clones many
repositories at once (press ? for its keys). Its logs go to
$XDG_STATE_HOME/mgit/mgit.log (default ~/.local/state/mgit), never to the
screen. When stdin or stdout is not a terminal, or with --no-tui, it prints
the status of the repositories and exits instead.

With --query QUERY (or query: in the configuration file) the dashboard also
lists QUERY on the configured providers in the background, archived
repositories and forks left out, and shows those not cloned as rows that
clone (press c) where 'mgit clone QUERY DIR' would put them. Without DIR it
then opens the configured workspace. A provider's failure shows in the
status line.

Output goes to stdout: text for people, or NDJSON with --output json (one
object per line, each with a "type"). Logs go to stderr only.`

const rootLongTail = `Configuration: --config, else $MGIT_CONFIG, else
$XDG_CONFIG_HOME/mgit/config.yaml (~/.config/mgit/config.yaml); see
'mgit config path'. Flags beat the file.

Environment:
  MGIT_CONFIG            configuration file
  MGIT_TOKEN_<NAME>      token of the provider NAME (upper case, - and . as _)
  MGIT_KEYRING_BACKEND   secret-service, keyctl, file or env (no keyring)
  MGIT_KEYRING_PASSWORD  password of the file keyring (at least 12 characters)
  MGIT_KEYRING_OLD_PASSWORD  its previous password, once, to re-encrypt under the new one
  MGIT_KEYRING_SERVICE   name of mgit's items in the keyring (default mgit)
  MGIT_TOKEN             token for HTTPS remotes of no configured provider
  MGIT_USERNAME          username sent with MGIT_TOKEN (default x-access-token)
  MGIT_LOG_LEVEL         log level when --log-level is not given (default warn)
  NO_COLOR               disable colour even on a terminal

Exit codes:
  0    every operation succeeded
  1    at least one operation failed (or --fail-on-dirty found changes)
  2    usage or configuration error
  3    authentication failure (every failure was an authentication failure)
  130  interrupted (Ctrl-C or SIGTERM)`

// NewCmdRoot is `mgit [DIR]` with every command under it: the dashboard
// on a terminal, else the status of DIR.
func NewCmdRoot(c *Factory) *cobra.Command {
	st := &StatusOptions{f: c}
	var showVersion bool
	root := &cobra.Command{
		Use:   "mgit [DIR]",
		Short: "Run git across many repositories at once",
		Long:  rootLong(),
		Example: `  mgit                          # the dashboard on a terminal, else the status of .
  mgit --no-tui ~/src           # the status table, even on a terminal
  mgit status --all ~/src       # every repository, not only those needing attention
  mgit pull ~/src               # fast-forward every repository
  mgit clone https://github.com/org/repo ~/src
  mgit status --output json ~/src | jq 'select(.type=="status" and .state!="clean")'`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if showVersion {
				return nil
			}
			if err := c.setup(); err != nil {
				return err
			}
			return c.loadConfig(cmd)
		},
		Args: func(cmd *cobra.Command, args []string) error {
			if showVersion {
				return nil
			}
			return rootArgs(cmd, args)
		},
		// No subcommand: the dashboard on a terminal, else the status of DIR.
		RunE: func(cmd *cobra.Command, args []string) error {
			if showVersion {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "mgit %s\n", version())
				return err
			}
			if c.wantDashboard() {
				return dashboardRun(cmd.Context(), &DashboardOptions{f: c, Args: args, Query: st.Query})
			}
			st.Dir = c.queryDir(args, st.Query)
			return statusRun(cmd.Context(), st)
		},
	}
	c.disc.addFlags(root.Flags())
	root.Flags().StringVar(&st.Query, "query", "", "dashboard: also show the upstream repositories matching org/project/repo globs that are not cloned (default: the configuration's query); without a terminal: only repositories matching it")
	// --version is mgit's own flag, not cobra's: cobra prints "mgit version
	// X" unless given a template, and a template links text/template, whose
	// MethodByName keeps every exported method of every type in the binary
	// (4.5 MB; see scripts/ci/deploycheck/binsize_test.go).
	root.Flags().BoolVarP(&showVersion, "version", "v", false, "version for mgit")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef(fmt.Sprintf("Run '%s --help' for usage.", cmd.CommandPath()), "%s", err)
	})

	c.g.register(root.PersistentFlags())

	root.AddCommand(
		NewCmdStatus(c, nil),
		NewCmdFetch(c, nil),
		NewCmdPull(c, nil),
		NewCmdClone(c, nil),
		NewCmdVersion(c, nil),
		NewCmdLogin(c, nil),
		NewCmdLogout(c, nil),
		NewCmdConfig(c, nil),
		NewCmdList(c, nil),
		NewCmdSync(c, nil),
		NewCmdHealth(c, nil),
		NewCmdCheckout(c, nil),
		NewCmdClean(c, nil),
		NewCmdExec(c, nil),
		NewCmdMan(c, nil),
	)
	return root
}

// register adds the global flags to fs (the root's persistent flags).
func (g *globals) register(f *pflag.FlagSet) {
	f.BoolVar(&g.noTUI, "no-tui", false, "never start the dashboard: print the status and exit")
	f.StringVarP(&g.output, "output", "o", "text", "output format: text or json (NDJSON, one object per line)")
	f.IntVarP(&g.concurrency, "concurrency", "j", 0, "operations at once, up to 256; fixes network concurrency (0: adaptive, 4–32 per host; 2×CPUs status)")
	f.StringVar(&g.backend, "git-backend", engine.BackendAuto, "git backend: auto (git CLI if on PATH, except go-git for the clone of a small repository: listed under 1 MiB, or of unknown size until 1 MiB of pack; else go-git), cli or go-git")
	f.StringVar(&g.logLevel, "log-level", "", "log level: trace, debug, info, warn, error, disabled (default $"+envLogLevel+", else "+telemetry.DefaultLevel+")")
	f.StringVar(&g.logFormat, "log-format", "", "log format on stderr: json or console (default: console on a terminal, else json)")
	f.StringVar(&g.metricsAddr, "metrics-addr", "", "serve /metrics, /healthz and /readyz on ADDR while running (PORT or :PORT: loopback only; default $"+envMetricsAddr+", else off)")
	f.StringVar(&g.configFile, "config", "", "configuration file (default $MGIT_CONFIG, else $XDG_CONFIG_HOME/mgit/config.yaml)")
	f.BoolVar(&g.allowInsecureHTTP, "allow-insecure-http", false, "accept http:// and git:// URLs to hosts other than loopback (tokens would cross the network unencrypted)")
	f.StringVar(&g.auditLog, "audit-log", "", "also write audit events (login, logout, credential access, auth failures, rate-limit blocks, rejected inputs) to FILE (0600)")
	f.DurationVar(&g.timeout, "timeout", 0, "time limit for one attempt of one operation, 1s to 24h, e.g. 90s (0: 10m network, 1m status)")
	f.DurationVar(&g.stallTimeout, "stall-timeout", 0, "fail a transfer that moves less than 1 kB/s for this long, 1s to 24h (0: 60s)")
	f.DurationVar(&g.lockWait, "lock-wait", 0, "how long to wait for another mgit working on the same repository, 1s to 24h (0: 10m)")
}

// setup validates the global flags and builds the logger, before any
// command does work: a bad value fails fast with exit 2.
func (c *Factory) setup() error {
	format, err := headless.ParseFormat(c.g.output)
	if err != nil {
		return usagef("Use --output text or --output json.", "%s", err)
	}
	c.format = format
	if err := checkCount("--concurrency", c.g.concurrency, 0, config.MaxConcurrency,
		"Use a positive number, or 0 for the defaults."); err != nil {
		return err
	}
	if c.g.timeout != 0 {
		if err := checkDuration("--timeout", c.g.timeout, minTimeout, maxTimeout,
			"Use a duration such as 90s or 5m, or 0 for the defaults."); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--stall-timeout", c.g.stallTimeout}, {"--lock-wait", c.g.lockWait}} {
		if d.v != 0 {
			if err := checkDuration(d.flag, d.v, minTimeout, maxTimeout,
				"Use a duration such as 30s or 5m, or 0 for the default."); err != nil {
				return err
			}
		}
	}
	if err := checkMetricsAddr(c.g.metricsAddr, c.getenv); err != nil {
		return err
	}
	switch c.g.backend {
	case engine.BackendAuto, engine.BackendCLI, engine.BackendGoGit:
	default:
		return usagef("Use --git-backend auto, cli or go-git.", "unknown git backend %q", c.g.backend)
	}
	level := c.g.logLevel
	source := "--log-level"
	if level == "" {
		level, source = c.getenv(envLogLevel), envLogLevel
	}
	if err := checkLogLevel(source, level, c.redact); err != nil {
		return err
	}
	log, err := c.newLogger(level, level != "")
	if err != nil {
		return usagef("Check "+source+" and --log-format.", "%s", err)
	}
	c.logs.log = log
	return c.logs.openAudit(c.g.auditLog)
}

// maxArgs is cobra.MaximumNArgs with a message that says how to fix it.
func maxArgs(n int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("Usage: "+usage, "%s: too many arguments: %s", cmd.Name(), strings.Join(args[n:], " "))
		}
		return nil
	}
}

// rootArgs accepts one optional DIR. A single word that is no existing path
// is far more likely a mistyped command than a directory, so it is reported
// as one, with cobra's suggestions.
func rootArgs(cmd *cobra.Command, args []string) error {
	if err := maxArgs(1, "mgit [DIR]")(cmd, args); err != nil {
		return err
	}
	if len(args) == 1 && !strings.ContainsAny(args[0], `/\.~`) {
		if _, err := os.Stat(args[0]); err != nil {
			hint := fmt.Sprintf("Run '%s --help' for the commands; a directory named like a command needs ./%s.", cmd.CommandPath(), args[0])
			if cmd.SuggestionsMinimumDistance <= 0 {
				cmd.SuggestionsMinimumDistance = 2 // cobra's default, set lazily by Find
			}
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				hint = "Did you mean: " + strings.Join(s, ", ") + "?\n" + hint
			}
			return usagef(hint, "unknown command %q", args[0])
		}
	}
	return nil
}
