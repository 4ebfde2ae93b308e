package app

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/ui/headless"
)

// VersionOptions are `mgit version`.
type VersionOptions struct {
	f *Factory
}

// NewCmdVersion is `mgit version`. runF, when not nil, runs instead of
// versionRun (tests).
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{f: f}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of mgit",
		// Works with a broken configuration file.
		Annotations: map[string]string{annotationConfig: "optional"},
		Args:        maxArgs(0, "mgit version"),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

// versionRun prints the version, the commit and the toolchain.
func versionRun(opts *VersionOptions) error {
	v := version()
	var err error
	if opts.f.format == headless.FormatJSON {
		err = json.NewEncoder(opts.f.stdout).Encode(map[string]string{
			"type": "version", "version": v, "commit": commit(), "go": runtime.Version(),
			"os": runtime.GOOS, "arch": runtime.GOARCH,
		})
	} else {
		rev := ""
		if cm := commit(); cm != "" {
			rev = "commit " + cm + ", "
		}
		_, err = fmt.Fprintf(opts.f.stdout, "mgit %s (%s%s, %s/%s)\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("output: %w", err)}
	}
	return nil
}
