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
