package app

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/telemetry"
)

// healthTimeout bounds one probe: a Docker HEALTHCHECK that hangs is worse
// than one that fails.
const healthTimeout = 3 * time.Second

// HealthOptions are `mgit health`.
type HealthOptions struct {
	f     *Factory
	Addr  string
	Ready bool
}

// NewCmdHealth is `mgit health`. runF, when not nil, runs instead of
// healthRun (tests).
func NewCmdHealth(f *Factory, runF func(context.Context, *HealthOptions) error) *cobra.Command {
	opts := &HealthOptions{f: f}
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Exit 0 when a running mgit's /healthz (or /readyz) answers 200",
		Long: `health asks the listener of a running mgit (mgit sync --metrics-addr ADDR)
whether it is alive (/healthz) or, with --ready, ready (/readyz), and exits 0
when it answers 200 within ` + healthTimeout.String() + `, 1 otherwise. It is the Docker
HEALTHCHECK of an image that has no curl:

  HEALTHCHECK CMD ["/mgit", "health"]

ADDR defaults to --metrics-addr, else $` + envMetricsAddr + ` (which the image and
the Helm chart set, so the check follows the address sync listens on); PORT
or :PORT mean 127.0.0.1:PORT, and 0.0.0.0:PORT is probed on 127.0.0.1.
/healthz answers 503 when a sync loop stopped making progress; /readyz
once providers and tokens are resolved, and not while the last cycle failed.`,
		// A HEALTHCHECK asks about the listener, never the configuration:
		// a config problem must not make a healthy container unhealthy.
		Annotations: map[string]string{annotationConfig: "optional"},
		Args:        maxArgs(0, "mgit health [--addr ADDR] [--ready]"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return healthRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "", "listener to probe: PORT, :PORT or HOST:PORT")
	cmd.Flags().BoolVar(&opts.Ready, "ready", false, "probe /readyz instead of /healthz")
	return cmd
}

// healthRun probes the listener's /healthz (or /readyz).
func healthRun(ctx context.Context, opts *HealthOptions) error {
	c, addr, ready := opts.f, opts.Addr, opts.Ready
	if addr != "" {
		if err := secure.ValidateAddr("--addr", addr, true); err != nil {
			return rejectInput("Use PORT, :PORT or HOST:PORT, e.g. 9090.", err)
		}
	} else {
		addr = c.metricsAddr() // checked by setup
	}
	if addr == "" {
		return usagef("Give --addr, or set --metrics-addr / "+envMetricsAddr+".", "health: no address to probe")
	}
	path := "/healthz"
	if ready {
		path = "/readyz"
	}
	if err := telemetry.Probe(ctx, addr, path, healthTimeout); err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("health: %w", err)}
	}
	fmt.Fprintln(c.stdout, "ok")
	c.code = exitOK
	return nil
}
