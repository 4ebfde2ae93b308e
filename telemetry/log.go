package telemetry

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// DefaultLevel is the level used when none is given. One-shot commands are
// often run from scripts that capture stderr, so only problems are logged
// unless asked for more.
const DefaultLevel = "warn"

// Log formats accepted by NewLogger.
const (
	FormatJSON    = "json"
	FormatConsole = "console"
)

// NewLogger returns a logger writing to w at level ("trace", "debug", "info",
// "warn", "error", "disabled"; "" means DefaultLevel) in format ("json", the
// default when "", or "console" for people). The level is set on the logger,
// never through zerolog's process-wide globals, so tests and concurrent
// callers do not interfere.
func NewLogger(w io.Writer, level, format string) (zerolog.Logger, error) {
	lvl, err := ParseLevel(level)
	if err != nil {
		return zerolog.Nop(), err
	}
	switch strings.ToLower(format) {
	case "", FormatJSON:
	case FormatConsole:
		w = zerolog.ConsoleWriter{
			Out:        w,
			NoColor:    !isTerminal(w),
			TimeFormat: time.RFC3339,
		}
	default:
		return zerolog.Nop(), fmt.Errorf("log format %q: want %s or %s", format, FormatJSON, FormatConsole)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// ParseLevel parses a level name; "" means DefaultLevel.
func ParseLevel(level string) (zerolog.Level, error) {
	if level == "" {
		level = DefaultLevel
	}
	lvl, err := zerolog.ParseLevel(strings.ToLower(level))
	if err != nil || lvl == zerolog.NoLevel {
		return zerolog.NoLevel, fmt.Errorf("log level %q: want trace, debug, info, warn, error or disabled", level)
	}
	return lvl, nil
}

// isTerminal reports whether w is a character device (a terminal), so that
// colour is only used where a person reads it.
//
// A writer that wraps another (a redacting writer) is looked through when
// it has an Unwrap() io.Writer method.
func isTerminal(w io.Writer) bool {
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
