package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/headless"
)

// CleanOptions are `mgit clean`.
type CleanOptions struct {
	f         *Factory
	args      []string
	trash     bool
	olderThan string
	dryRun    bool
}

// NewCmdClean is `mgit clean --trash [DIR]`. runF, when not nil, runs
// instead of cleanRun (tests).
func NewCmdClean(f *Factory, runF func(context.Context, *CleanOptions) error) *cobra.Command {
	opts := &CleanOptions{f: f}
	cmd := &cobra.Command{
		Use:   "clean --trash [--older-than AGE] [DIR]",
		Short: "Empty the trash of replaced clones",
		Long: `When 'mgit clone --update-mode force' replaces a clone, the old one is
never deleted: it is moved to DIR/.mgit/trash/<time>-<repository>, and the
run says where. Restore one by moving it back (mv), or copy out what you
need. Nothing else in mgit removes these directories.

clean --trash removes them: all of them, or with --older-than AGE only those
trashed longer ago than AGE (e.g. 30d, 12h, 90m). --dry-run lists what would
go. DIR is the workspace (default: the configured workspace, else ".").`,
		Example: `  mgit clean --trash --dry-run ~/src
  mgit clean --trash --older-than 30d ~/src`,
		Args: maxArgs(1, "mgit clean --trash [--older-than AGE] [DIR]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cleanRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.trash, "trash", false, "remove replaced clones from DIR/.mgit/trash")
	fl.StringVar(&opts.olderThan, "older-than", "", "only those trashed more than AGE ago: a number with d, h or m, or a Go duration")
	fl.BoolVar(&opts.dryRun, "dry-run", false, "list what would be removed, remove nothing")
	return cmd
}

// parseAge reads --older-than: Go durations plus a day suffix ("30d").
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("--older-than %q: not a number of days", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--older-than %q: not an age such as 30d, 12h or 90m", s)
	}
	return d, nil
}

// cleanRun empties (or with --dry-run lists) the trash of replaced clones.
func cleanRun(_ context.Context, opts *CleanOptions) error {
	c, f, args := opts.f, opts, opts.args
	if !f.trash {
		return usagef("Run 'mgit clean --trash [--older-than AGE] [DIR]'.", "clean: say what to clean (--trash)")
	}
	var cutoff time.Time
	if f.olderThan != "" {
		age, err := parseAge(f.olderThan)
		if err != nil {
			return usagef("Use e.g. --older-than 30d.", "%s", err)
		}
		cutoff = time.Now().Add(-age)
	}
	dir := "."
	if len(args) > 0 {
		dir = args[0]
	} else if w := c.conf.cfg.WorkspaceDir(c.getenv); w != "" {
		dir = w
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("clean: %w", err)
	}
	var removed []string
	if f.dryRun {
		entries, err := engine.ListTrash(root)
		if err != nil {
			return fmt.Errorf("clean: list %s: %w", engine.TrashDir(root), err)
		}
		for _, e := range entries {
			if cutoff.IsZero() || (!e.Trashed.IsZero() && e.Trashed.Before(cutoff)) {
				removed = append(removed, e.Path)
			}
		}
	} else if removed, err = engine.EmptyTrash(root, cutoff); err != nil {
		return fmt.Errorf("clean: %w", err)
	}
	verb := "removed"
	if f.dryRun {
		verb = "would remove"
	}
	for _, p := range removed {
		if c.format == headless.FormatJSON {
			if err := json.NewEncoder(c.stdout).Encode(map[string]any{"type": "trash", "path": p, "removed": !f.dryRun}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(c.stdout, "%s %s\n", verb, p)
	}
	if c.format == headless.FormatJSON {
		return json.NewEncoder(c.stdout).Encode(map[string]any{"type": "summary", "trash": engine.TrashDir(root), "count": len(removed), "dry_run": f.dryRun})
	}
	_, err = fmt.Fprintf(c.stdout, "%d replaced clones %s from %s\n", len(removed), verb, engine.TrashDir(root))
	return err
}
