package telemetry

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestNewLoggerJSONDefaultLevel(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewLogger(&buf, "", "")
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("hidden")
	log.Warn().Str("run_id", "r1").Msg("shown")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want 1 line at default level warn, got %q", buf.String())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("not JSON: %v: %q", err, lines[0])
	}
	if m["message"] != "shown" || m["level"] != "warn" || m["run_id"] != "r1" || m["time"] == nil {
		t.Fatalf("unexpected line %v", m)
	}
}

func TestNewLoggerConsoleAndLevel(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewLogger(&buf, "DEBUG", "console")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug().Str("repo", "a/b").Msg("hello")
	out := buf.String()
	if !strings.Contains(out, "hello") || !strings.Contains(out, "repo=a/b") || strings.HasPrefix(out, "{") {
		t.Fatalf("console output %q", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatalf("colour written to a non-terminal: %q", out)
	}
}

func TestNewLoggerRejectsBadInput(t *testing.T) {
	for _, tc := range []struct{ level, format string }{
		{"loud", "json"},
		{"info", "xml"},
	} {
		if _, err := NewLogger(&bytes.Buffer{}, tc.level, tc.format); err == nil {
			t.Errorf("NewLogger(%q, %q): want error", tc.level, tc.format)
		}
	}
}
