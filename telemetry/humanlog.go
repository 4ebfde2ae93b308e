package telemetry

import (
	"encoding/json"
	"io"
	"time"

	"github.com/rs/zerolog"
)

// HumanOptions shape the logs a person reads on a terminal (see
// NewHumanLogger).
type HumanOptions struct {
	// Level is the level name, as for NewLogger ("" is DefaultLevel).
	Level string
	// NoColor turns colour off (NO_COLOR, TERM=dumb); colour is also off
	// whenever w is not a terminal.
	NoColor bool
	// Shown reports whether a log line only repeats what the command
	// already told the person on stdout or stderr (an operation's failure
	// printed by the presenter, a provider's failure printed with its
	// advice). Such lines are left out: on a terminal the presenter's line
	// is the one meant for people, and the log would only say it again.
	// It is given the line's fields as decoded from JSON; nil keeps every
	// line.
	Shown func(fields map[string]any) bool
}

// NewHumanLogger returns a logger for a person: zerolog's console form
// (time, level, message, key=value) on w, without colour unless w is a
// terminal and o.NoColor is false, and without the lines o.Shown picks.
// Containers and CI, whose stderr is no terminal, keep NewLogger's JSON.
func NewHumanLogger(w io.Writer, o HumanOptions) (zerolog.Logger, error) {
	lvl, err := ParseLevel(o.Level)
	if err != nil {
		return zerolog.Nop(), err
	}
	var out io.Writer = zerolog.ConsoleWriter{
		Out:        w,
		NoColor:    o.NoColor || !IsTerminal(w),
		TimeFormat: time.TimeOnly,
	}
	if o.Shown != nil {
		out = shownFilter{next: out, shown: o.Shown}
	}
	return zerolog.New(out).Level(lvl).With().Timestamp().Logger(), nil
}

// shownFilter drops the JSON lines its shown func picks before they reach
// the console writer, which decodes every line anyway: a person's
// terminal sees few lines, so decoding twice costs nothing that matters.
type shownFilter struct {
	next  io.Writer
	shown func(map[string]any) bool
}

func (f shownFilter) Write(p []byte) (int, error) {
	var fields map[string]any
	if json.Unmarshal(p, &fields) == nil && f.shown(fields) {
		return len(p), nil
	}
	return f.next.Write(p)
}

// IsTerminal reports whether w, or the writer it wraps (an Unwrap()
// io.Writer method, as a redacting writer has), is a terminal.
func IsTerminal(w io.Writer) bool { return isTerminal(w) }
