package app

import (
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/telemetry"
)

// Log lines whose news the command already prints for people: the
// engine's "op finished" (the presenter's FAIL line), a provider's failed
// request and a provider's failure (reportProviderErrors prints it with
// its advice). The test through the binary (logsetup_e2e_linux_test.go)
// fails if the engine renames its line.
const (
	logOpFinished      = "op finished"
	logProviderRequest = "provider request"
	logProviderFailed  = "provider failed"
)

// newLogger builds the logger of stderr. --log-format given, or stderr
// not a terminal (containers, CI, a redirect to a file): the format asked
// for, JSON by default, as always. Otherwise a person is reading: the
// console form, without colour under NO_COLOR or TERM=dumb, and, unless
// a level was asked for (levelGiven), without the lines that repeat what
// the command prints itself, so a failure is said once.
func (c *Factory) newLogger(level string, levelGiven bool) (zerolog.Logger, error) {
	if c.g.logFormat != "" || !telemetry.IsTerminal(c.stderr) {
		return telemetry.NewLogger(c.stderr, level, c.g.logFormat)
	}
	o := telemetry.HumanOptions{
		Level:   level,
		NoColor: c.getenv(envNoColor) != "" || c.getenv("TERM") == "dumb",
	}
	if !levelGiven {
		o.Shown = shownToPeople
	}
	return telemetry.NewHumanLogger(c.stderr, o)
}

// shownToPeople reports whether a log line repeats a line the command
// prints on stdout or stderr. A provider request that waits on a rate
// limit is news nobody else prints, so it stays.
func shownToPeople(fields map[string]any) bool {
	switch fields[zerolog.MessageFieldName] {
	case logOpFinished, logProviderFailed:
		return true
	case logProviderRequest:
		limited, _ := fields["rate_limited"].(bool)
		return !limited
	}
	return false
}
