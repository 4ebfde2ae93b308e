package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/ui/headless"
)

// ListOptions are `mgit list`.
type ListOptions struct {
	f     *Factory
	Query string
	queryFlags
	limit int
}

// NewCmdList is `mgit list QUERY`. runF, when not nil, runs instead of
// listRun (tests).
func NewCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list QUERY [--provider NAME] [--limit N]",
		Short: "List the upstream repositories matching a query",
		Long: `List the repositories matching QUERY on every configured provider,
asked concurrently, or only on --provider NAME.

QUERY is org, org/repo or org/project/repo. Each segment is a shell glob
(*, ?, [...]) matched case-insensitively; a segment without glob characters
must match exactly. GitHub, Bitbucket Cloud and Gitea have no project
level: org/repo and org/*/repo mean the same there. On Azure DevOps the
middle segment is the project, on GitLab the subgroup path ('*' crosses
subgroups), on Bitbucket Data Center the org is the project key.

Archived repositories, forks and repositories the provider has disabled
(they cannot be cloned) are left out unless --include-archived,
--include-forks or --include-disabled; --exclude GLOB (repeatable) leaves
out full names.

Listings are cached with their ETags under $XDG_CACHE_HOME/mgit, so asking
again costs little. Text output is a table; --output json prints one
{"type":"repo",...} object per line and a final {"type":"summary"}.
A rejected token exits 3; run 'mgit login --name NAME' again.`,
		Example: `  mgit list 'acme/*'
  mgit list 'acme/*-service' --exclude 'acme/legacy-*' --include-archived
  mgit list 'contoso/Web*/*' --provider ado
  mgit list '*' -o json | jq -r '.clone_url // empty'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("Usage: mgit list QUERY (e.g. 'acme/*', or '*' for everything you can see)", "list: give one QUERY")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	opts.register(cmd)
	cmd.Flags().IntVar(&opts.limit, "limit", 0, "show at most N repositories (0: all)")
	return cmd
}

// listRun lists opts.Query on the configured providers.
func listRun(ctx context.Context, opts *ListOptions) error {
	c, f, raw := opts.f, opts, opts.Query
	q, fo, err := f.parse(raw)
	if err != nil {
		return err
	}
	if f.limit < 0 {
		return usagef("Use --limit 1 or more, or 0 for all.", "--limit %d: must not be negative", f.limit)
	}
	l, done, err := c.listQuery(ctx, &f.queryFlags, q, fo, "mgit list")
	if err != nil {
		return err
	}
	defer done()
	repos, total := l.repos, len(l.repos)
	if f.limit > 0 && len(repos) > f.limit {
		repos = repos[:f.limit]
	}
	if err := opts.print(repos, total, len(l.providers), l.fails); err != nil {
		return err
	}
	c.code = reportProviderErrors(c.stderr, &c.logs, l.fails)
	return nil
}

// listing is a query's answer from the configured providers.
type listing struct {
	providers []config.Provider
	repos     []provider.Repo
	fails     []*providerError
	// obs is the telemetry the listing ran under; a clone runs under it too.
	obs *observability
}

// listQuery is the listing `mgit list` and `mgit clone QUERY` share: the
// providers qf.provider selects, asked under one telemetry (with a query
// span named span, unless ""). done ends the span and the telemetry; call
// it when finished with the listing and anything run under l.obs.
func (c *Factory) listQuery(ctx context.Context, qf *queryFlags, q provider.Query, fo provider.FilterOptions, span string) (l listing, done func(), err error) {
	if l.providers, err = c.conf.selectProviders(qf.provider); err != nil {
		return l, nil, err
	}
	if l.obs, err = c.observe(ctx, c.logs.log); err != nil {
		return l, nil, err
	}
	done = l.obs.close
	if span != "" {
		var endRun func()
		ctx, endRun = l.obs.startQuery(ctx, span)
		done = func() { endRun(); l.obs.close() }
	}
	set := c.providerSet(providerOptions{maxWait: qf.maxWait, maxRepos: qf.maxRepos, obs: l.obs})
	if l.repos, l.fails, err = set.listAll(ctx, l.providers, q, fo); err != nil {
		done()
		return l, nil, err
	}
	return l, done, nil
}

// repoLine is the NDJSON form of a listed repository ("type" first, as
// every NDJSON line of mgit).
type repoLine struct {
	Type          string `json:"type"`
	Provider      string `json:"provider"`
	Kind          string `json:"kind"`
	Host          string `json:"host"`
	Org           string `json:"org"`
	Project       string `json:"project,omitempty"`
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	CloneURL      string `json:"clone_url"`
	SSHURL        string `json:"ssh_url,omitempty"`
	DefaultBranch string `json:"default_branch"`
	Archived      bool   `json:"archived"`
	Fork          bool   `json:"fork"`
	Disabled      bool   `json:"disabled"`
	Private       bool   `json:"private"`
	Size          int64  `json:"size"`
	PushedAt      string `json:"pushed_at,omitempty"`
}

func repoJSON(r provider.Repo) repoLine {
	l := repoLine{
		Type: "repo", Provider: r.Provider, Kind: r.Kind, Host: r.Host, Org: r.Org, Project: r.Project,
		Name: r.Name, FullName: r.FullName, CloneURL: r.CloneURL, SSHURL: r.SSHURL,
		DefaultBranch: r.DefaultBranch, Archived: r.Archived, Fork: r.Fork, Disabled: r.Disabled,
		Private: r.Private, Size: r.Size,
	}
	if !r.PushedAt.IsZero() {
		l.PushedAt = r.PushedAt.UTC().Format(time.RFC3339)
	}
	return l
}

func (opts *ListOptions) print(repos []provider.Repo, total, providers int, fails []*providerError) error {
	c := opts.f
	if c.format == headless.FormatJSON {
		for _, r := range repos {
			if err := writeJSON(c.stdout, repoJSON(r)); err != nil {
				return err
			}
		}
		failed := make([]string, 0, len(fails))
		for _, f := range fails {
			failed = append(failed, f.name)
		}
		return writeJSON(c.stdout, struct {
			Type      string   `json:"type"`
			Repos     int      `json:"repos"`
			Matched   int      `json:"matched"`
			Providers int      `json:"providers"`
			Failed    []string `json:"failed_providers"`
		}{"summary", len(repos), total, providers, failed})
	}
	if len(repos) == 0 {
		if len(fails) == 0 {
			_, err := fmt.Fprintln(c.stdout, "No repository matches.")
			return outputErr(err)
		}
		return nil
	}
	var b strings.Builder
	for _, l := range listTable(repos, c.termWidth()) {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(c.stdout, b.String()); err != nil {
		return outputErr(err)
	}
	summary := fmt.Sprintf("%d repositories", len(repos))
	if total > len(repos) {
		summary = fmt.Sprintf("%d of %d repositories (--limit)", len(repos), total)
	}
	_, err := fmt.Fprintln(c.stdout, summary)
	return outputErr(err)
}

// exitAfterProviders combines the exit code of a run with the one its
// provider failures call for: the run's failure wins, then the providers'.
func exitAfterProviders(run, providers int) int {
	if run != exitOK || providers == exitOK {
		return run
	}
	return providers
}
