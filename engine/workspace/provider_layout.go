package workspace

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ProviderDestination is where a repository listed by a provider lands
// under root: <root>/<host>/<segments...>, built from the provider's slugs
// (org, then the Azure DevOps project or each GitLab subgroup, then the
// repository) rather than from a clone URL, whose path may differ (Azure
// DevOps "_git", percent-encoding, display names).
//
// host keeps a non-default port as "host_port", like Destination. Each
// segment obeys the rules of Destination (no "", ".", "..", ".git",
// separators or control characters) and the result must stay inside root
// after resolving existing symlinks; violations wrap ErrUnsafePath.
func ProviderDestination(root, host string, segments ...string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("destination: root %s: %w", root, err)
	}
	if len(segments) == 0 {
		return "", fmt.Errorf("destination: no repository name: %w", ErrUnsafePath)
	}
	var parts []string
	if host != "" {
		hostDir := strings.ReplaceAll(strings.ToLower(host), ":", "_")
		if err := checkSegment(hostDir); err != nil {
			return "", fmt.Errorf("destination: host %q: %w", host, err)
		}
		parts = append(parts, hostDir)
	}
	for _, s := range segments {
		if err := checkSegment(s); err != nil {
			return "", fmt.Errorf("destination %s: segment %q: %w", strings.Join(segments, "/"), s, err)
		}
		parts = append(parts, s)
	}
	if err := checkTopLevel(parts[0]); err != nil {
		return "", fmt.Errorf("destination %s: %w", strings.Join(parts, "/"), err)
	}
	dest := filepath.Join(append([]string{absRoot}, parts...)...)
	if !within(absRoot, dest) || dest == absRoot {
		return "", fmt.Errorf("destination %s leaves %s: %w", dest, absRoot, ErrUnsafePath)
	}
	realRoot, err := resolveExisting(absRoot)
	if err != nil {
		return "", fmt.Errorf("destination %s: resolve root: %w", dest, err)
	}
	realDest, err := resolveExisting(dest)
	if err != nil {
		return "", fmt.Errorf("destination %s: %w", dest, err)
	}
	if !within(realRoot, realDest) {
		return "", fmt.Errorf("destination %s resolves to %s through a symlink outside %s: %w", dest, realDest, absRoot, ErrUnsafePath)
	}
	return dest, nil
}

// StateDirName is mgit's state directory at the workspace root (the trash
// of replaced clones; engine.StateDirName). No repository may land there: a
// clone named ".mgit" in the flat layout would become the trash's parent,
// and its tracked files (a "trash" symlink to "..") what `mgit clean
// --trash` empties.
const StateDirName = ".mgit"

// checkTopLevel refuses a first path element that is mgit's state
// directory, in any case (case-insensitive file systems).
func checkTopLevel(s string) error {
	if strings.EqualFold(s, StateDirName) {
		return fmt.Errorf("%w: %s is mgit's state directory", ErrUnsafePath, s)
	}
	return nil
}
