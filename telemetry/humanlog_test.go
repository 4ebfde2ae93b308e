package telemetry

import (
	"bytes"
	"strings"
	"testing"
)

func TestNewHumanLoggerLeavesOutWhatIsShown(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewHumanLogger(&buf, HumanOptions{
		Shown: func(f map[string]any) bool { return f["message"] == "op finished" },
	})
	if err != nil {
		t.Fatal(err)
	}
	log.Warn().Str("repo", "a").Msg("op finished")
	log.Warn().Str("file", "state.json").Msg("state cache corrupt, discarded")
	log.Info().Msg("below the default level")
	out := buf.String()
	if strings.Contains(out, "op finished") || strings.Contains(out, "below") {
		t.Fatalf("a shown line or an info line got through: %q", out)
	}
	if !strings.Contains(out, "WRN state cache corrupt, discarded file=state.json") || strings.Contains(out, "{") {
		t.Fatalf("want the warning in console form, got %q", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatalf("colour written to a non-terminal: %q", out)
	}
}

func TestNewHumanLoggerKeepsEverythingWithoutShown(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewHumanLogger(&buf, HumanOptions{Level: "info"})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("op finished")
	if !strings.Contains(buf.String(), "INF op finished") {
		t.Fatalf("got %q", buf.String())
	}
	if _, err := NewHumanLogger(&buf, HumanOptions{Level: "loud"}); err == nil {
		t.Fatal("a bad level was accepted")
	}
}
