package keys

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func TestDefaultMatches(t *testing.T) {
	m := Default()
	if !key.Matches(press("j"), m.Down) || !key.Matches(press("space"), m.Select) || !key.Matches(press("enter"), m.Detail) {
		t.Fatal("default bindings do not match their keys")
	}
	if err := m.checkConflicts(); err != nil {
		t.Fatal(err)
	}
}

func TestOverrides(t *testing.T) {
	m, err := WithOverrides(map[string][]string{"pull": {"u"}, "down": {"down", "n"}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("u"), m.Pull) || key.Matches(press("p"), m.Pull) {
		t.Fatal("pull override not applied")
	}
	if m.Pull.Help().Key != "u" || m.Pull.Help().Desc != "pull" {
		t.Fatalf("help = %+v", m.Pull.Help())
	}
	for _, bad := range []map[string][]string{
		{"teleport": {"t"}},
		{"pull": {}},
		{"pull": {""}},
		{"pull": {"f"}}, // fetch has f
	} {
		if _, err := WithOverrides(bad); err == nil {
			t.Errorf("WithOverrides(%v): want error", bad)
		}
	}
	_, err = WithOverrides(map[string][]string{"teleport": {"t"}})
	if !strings.Contains(err.Error(), "unknown action") || !strings.Contains(err.Error(), "pull") {
		t.Fatalf("error does not list actions: %v", err)
	}
}
