package app

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestFlagDefaultsShownOnce walks every command and fails on a flag whose
// usage states its default ("(default: …)", "default $VAR") while pflag
// prints its DefValue again after it: `(default: the configured layout,
// else host) (default "host")`. Such a flag's DefValue must be its zero
// value, the default resolved where the flag is read.
func TestFlagDefaultsShownOnce(t *testing.T) {
	var walk func(cmd *cobra.Command)
	n := 0
	walk = func(cmd *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{cmd.LocalFlags(), cmd.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				n++
				one := pflag.NewFlagSet("", pflag.ContinueOnError)
				one.AddFlag(f)
				if line := one.FlagUsages(); strings.Count(strings.ToLower(line), "default") > 1 {
					t.Errorf("%s --%s shows two defaults:%s", cmd.CommandPath(), f.Name, line)
				}
			})
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(helpRoot())
	if n < 50 {
		t.Fatalf("walked only %d flags: is the tree built?", n)
	}
}
