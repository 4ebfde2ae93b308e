package provider

import (
	"fmt"
	"path"
	"strings"
)

// FilterOptions are the list-time exclusions (--include-archived,
// --include-forks, --include-disabled, --exclude GLOB).
type FilterOptions struct {
	IncludeArchived bool
	IncludeForks    bool
	// IncludeDisabled keeps repositories the provider has disabled (Azure
	// DevOps isDisabled, GitHub disabled, GitLab repository access
	// disabled): they are listed but cannot be cloned or fetched, so by
	// default they would only fail every clone and sync.
	IncludeDisabled bool
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
		if (r.Archived && !opts.IncludeArchived) || (r.Fork && !opts.IncludeForks) || (r.Disabled && !opts.IncludeDisabled) {
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
