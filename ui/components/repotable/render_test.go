package repotable

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

func TestFlags(t *testing.T) {
	r := &Row{Archived: true, Fork: true, Status: &git.Status{UpstreamGone: true}}
	if got := flags(r, false); got != "AFG" {
		t.Errorf("short flags = %q, want AFG", got)
	}
	if got := flags(r, true); got != "arch,fork,gone" {
		t.Errorf("long flags = %q, want arch,fork,gone", got)
	}
	r = &Row{Fork: true}
	if got := flags(r, false) + "|" + flags(r, true); got != "F|fork" {
		t.Errorf("fork only = %q, want F|fork", got)
	}
	if got := flags(&Row{}, true); got != "" {
		t.Errorf("no flags = %q", got)
	}
}

func TestNewRowSanitizesName(t *testing.T) {
	id := "a/b\x1b[2J\u202ec"
	r := NewRow(id, "/p", "")
	if r.ID != id || r.Name != "a/bc" {
		t.Fatalf("NewRow(%q): ID %q, Name %q", id, r.ID, r.Name)
	}
}
