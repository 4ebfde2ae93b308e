package provider

import (
	"fmt"
	"path"
	"strings"
)

// FilterOptions are the list-time exclusions (--include-archived,
// --include-forks, --exclude GLOB).
type FilterOptions struct {
	IncludeArchived bool
	IncludeForks    bool
	// Exclude holds globs matched against FullName, case-insensitively;
	// '*' does not cross '/', so "org/*-old" excludes org's repositories
	// ending in -old and "*/*/legacy-*" works on three-level names.
	Exclude []string
}

// Filter returns the repositories of repos that opts keeps, in order.
// Malformed exclude globs exclude nothing (validate them with
// ValidateGlob first).
func Filter(repos []Repo, opts FilterOptions) []Repo {
	out := make([]Repo, 0, len(repos))
next:
	for _, r := range repos {
		if (r.Archived && !opts.IncludeArchived) || (r.Fork && !opts.IncludeForks) {
			continue
		}
		for _, ex := range opts.Exclude {
			if matchSegment(strings.TrimSuffix(ex, "/"), r.FullName) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

// ValidateGlob reports a malformed glob (for --exclude) with the reason.
func ValidateGlob(glob string) error {
	if _, err := path.Match(strings.ToLower(glob), ""); err != nil {
		return fmt.Errorf("glob %q: %w", glob, err)
	}
	return nil
}
