package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/ui/components/header"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
)

// RemoteBatch is one provider's answer to the dashboard's query. Listing
// a provider can take seconds (paging, rate limits), so the dashboard
// paints first and takes the answers as they come (Options.RemoteUpdates).
type RemoteBatch struct {
	// Source names the provider, for the status line.
	Source string
	// Repos are the repositories it listed; those not cloned where
	// Options.Dest puts them become rows.
	Repos []provider.Repo
	// Err is the provider's failure, shown in the status line; the
	// dashboard keeps running.
	Err error
}

// remoteMsg carries one batch into Update; remoteDoneMsg says the channel
// was closed (every provider answered).
type (
	remoteMsg     RemoteBatch
	remoteDoneMsg struct{}
)

// remoteFeed is the model's end of Options.RemoteUpdates.
type remoteFeed struct {
	ch     <-chan RemoteBatch
	stop   <-chan struct{}
	dest   func(provider.Repo) (string, error)
	root   string
	log    zerolog.Logger
	added  int // rows added so far
	failed int // providers that failed
}

// newRemoteFeed returns nil when there is nothing to wait for.
func newRemoteFeed(opt Options, stop <-chan struct{}) *remoteFeed {
	if opt.RemoteUpdates == nil || opt.Dest == nil {
		return nil
	}
	return &remoteFeed{ch: opt.RemoteUpdates, stop: stop, dest: opt.Dest, root: opt.Root, log: opt.Logger}
}

// wait is the re-armed command that delivers the next batch; nil (no
// command) when there is no feed.
func (f *remoteFeed) wait() tea.Cmd {
	if f == nil {
		return nil
	}
	ch, stop := f.ch, f.stop
	return func() tea.Msg {
		select {
		case b, ok := <-ch:
			if !ok {
				return remoteDoneMsg{}
			}
			return remoteMsg(b)
		case <-stop:
			return nil
		}
	}
}

// apply adds the rows of one batch to the table and says what happened
// in the status line and the header, then waits for the next batch.
func (f *remoteFeed) apply(b RemoteBatch, t *repotable.Model, h *header.Model, status *statusbar.Model) tea.Cmd {
	if f == nil {
		return nil
	}
	byPath := make(map[string]*repotable.Row, len(t.Index().Rows()))
	for _, r := range t.Index().Rows() {
		byPath[filepath.Clean(r.Path)] = r
	}
	if b.Err == nil {
		h.Resolve(b.Source)
	}
	rows := remoteRows(b.Repos, f.dest, f.root, byPath, nil, f.log)
	t.Add(rows...)
	f.added += len(rows)
	switch {
	case b.Err != nil:
		f.failed++
		status.Error(b.Err.Error())
		// The status line is overwritten by the next message; the header
		// keeps the failure until the provider answers.
		h.Fail(b.Source, b.Err.Error())
	case f.failed == 0:
		// A provider's failure stays in view until the user acts; the
		// header counts the rows the others add.
		status.Info(fmt.Sprintf("%s: %d %s, %d not cloned", b.Source, len(b.Repos),
			humanize.Plural(len(b.Repos), "repository", "repositories"), len(rows)))
	}
	return f.wait()
}

// done keeps an error in view; otherwise it sums up the discovery.
func (f *remoteFeed) done(status *statusbar.Model) {
	if f != nil && f.failed == 0 {
		status.Info(fmt.Sprintf("%d upstream %s not cloned", f.added, humanize.Plural(f.added, "repository", "repositories")))
	}
}

// sharePath notes that provider lists the repository of row: the first
// one to list it clones it; another is kept in row.Also, so the table
// marks the row and the detail pane names both.
func sharePath(row *repotable.Row, provider string) {
	switch {
	case row.Provider == "":
		row.Provider = provider
	case provider != "" && provider != row.Provider && !slices.Contains(row.Also, provider):
		row.Also = append(row.Also, provider)
	}
}

// remoteRows makes a row for every remote repository not cloned where dest
// puts it; a repository that is cloned lends its row the provider's
// archived and fork flags. byPath (cleaned paths of the existing rows) is
// extended with the new rows, so a repository listed twice gets one row.
// cached fills rows from the state cache (may be nil).
func remoteRows(repos []provider.Repo, dest func(provider.Repo) (string, error), root string,
	byPath map[string]*repotable.Row, cached map[string]state.Entry, log zerolog.Logger) []*repotable.Row {
	var rows []*repotable.Row
	for _, pr := range repos {
		d, err := dest(pr)
		if err != nil {
			log.Warn().Err(err).Str("repo", pr.FullName).Msg("no destination for remote repository")
			continue
		}
		if row := byPath[filepath.Clean(d)]; row != nil {
			row.Archived, row.Fork = pr.Archived, pr.Fork
			sharePath(row, pr.Provider)
			continue
		}
		id := filepath.ToSlash(d)
		if rel, err := filepath.Rel(root, d); err == nil && !strings.HasPrefix(rel, "..") {
			id = filepath.ToSlash(rel)
		}
		row := repotable.NewRow(id, d, pr.CloneURL)
		row.Provider, row.Archived, row.Fork, row.Size = pr.Provider, pr.Archived, pr.Fork, pr.Size
		row.FromEntry(cached[id])
		row.Status = nil // a status of a clone that no longer exists
		rows = append(rows, row)
		byPath[filepath.Clean(d)] = row
	}
	return rows
}
