package ui

import (
	"errors"
	"testing"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
)

// TestRemoteRowsArriveAfterPaint: listings delivered through
// RemoteUpdates after the first paint add rows for the repositories not
// cloned (a cloned one only lends its flags), a failed provider shows in
// the status line without stopping anything, and the rows clone to Dest.
func TestRemoteRowsArriveAfterPaint(t *testing.T) {
	opt := fixture(t)
	opt.Remote = nil
	ch := make(chan RemoteBatch, 3)
	opt.RemoteUpdates = ch
	m, rec := newTestModel(t, opt, 120, 40)
	if n := m.table.Stats().NotCloned; n != 0 {
		t.Fatalf("not-cloned rows before any listing: %d", n)
	}
	wait := m.remote.wait()
	if wait == nil {
		t.Fatal("no command waits for the listing")
	}

	ch <- RemoteBatch{Source: "work", Repos: []provider.Repo{
		{Provider: "work", Host: "github.com", Org: "acme", Name: "new", FullName: "acme/new", CloneURL: "https://github.com/acme/new.git"},
		{Host: "github.com", Org: "acme", Name: "dirty", FullName: "acme/dirty", CloneURL: "https://github.com/acme/dirty.git", Archived: true},
	}}
	ch <- RemoteBatch{Source: "ado", Err: errors.New("provider ado: unauthorized; run mgit login --name ado")}
	close(ch)

	msg := wait()
	if _, ok := msg.(remoteMsg); !ok {
		t.Fatalf("wait() = %T", msg)
	}
	next, cmd := m.Update(msg)
	m = next.(model)
	if m.table.Stats().NotCloned != 1 || m.table.Index().Row("github.com/acme/new") == nil {
		t.Fatalf("rows after the listing: %+v", m.table.Stats())
	}
	if !m.table.Index().Row("github.com/acme/dirty").Archived {
		t.Fatal("the cloned repository did not take the provider's flags")
	}
	mustContain(t, screen(m), "work: 2 repositories, 1 not cloned", "new")

	// The re-armed command brings the failure, then the end.
	msg = cmd()
	m = update(t, m, msg)
	s, isErr := m.status.Message()
	if !isErr || s != "provider ado: unauthorized; run mgit login --name ado" {
		t.Fatalf("status %q (error %v)", s, isErr)
	}
	if _, ok := m.remote.wait()().(remoteDoneMsg); !ok {
		t.Fatal("closed channel: want remoteDoneMsg")
	}
	// A later provider's success leaves the failure in view.
	m = update(t, m, remoteMsg{Source: "lab", Repos: []provider.Repo{
		{Host: "gitlab.com", Org: "g", Name: "x", FullName: "g/x", CloneURL: "https://gitlab.com/g/x.git"}}})
	m = update(t, m, remoteDoneMsg{})
	if s, isErr := m.status.Message(); !isErr {
		t.Fatalf("the provider error was replaced by %q", s)
	}
	if m.table.Index().Row("gitlab.com/g/x") == nil {
		t.Fatal("rows after a failure were dropped")
	}

	// The new row clones where Dest put it.
	m.table.Top()
	for i, r := range m.table.Index().Shown() {
		if r.ID == "github.com/acme/new" {
			m.table.Move(i)
		}
	}
	m = update(t, m, keysOf("c")...)
	if len(rec.plans) != 1 || rec.plans[0].Jobs[0].Op != engine.OpClone ||
		rec.plans[0].Jobs[0].Repo.Path != "/ws/github.com/acme/new" || rec.plans[0].Jobs[0].Repo.URL != "https://github.com/acme/new.git" ||
		rec.plans[0].Jobs[0].Repo.Provider != "work" {
		t.Fatalf("plans = %+v", rec.plans)
	}
}

// TestNoRemoteFeed: without RemoteUpdates nothing waits.
func TestNoRemoteFeed(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 80, 24)
	if m.remote != nil || m.remote.wait() != nil {
		t.Fatal("a feed without RemoteUpdates")
	}
}
