package gitobj

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RefsUnder returns the refs of the repository whose common directory is
// commonDir (see CommonDir) whose names start with one of prefixes
// ("refs/heads/", "refs/remotes/origin/"), with the SHA-1 ids they hold.
// Loose refs override packed ones, as in git. Symbolic refs (such as
// refs/remotes/origin/HEAD) and values that are not SHA-1 ids are left out.
//
// A reftable repository (newer git) keeps no refs in these files: it is
// reported as ErrNeedGit rather than as a repository without refs.
//
// Loose refs are read before packed-refs: git pack-refs writes packed-refs
// before it deletes the loose files it packed, so in this order a ref being
// packed meanwhile is found in one or the other.
func RefsUnder(commonDir string, prefixes ...string) (map[string]string, error) {
	under := func(name string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
	if _, err := os.Lstat(filepath.Join(commonDir, "reftable")); err == nil {
		return nil, fmt.Errorf("refs of %s: reftable: %w", commonDir, ErrNeedGit)
	}
	refs := map[string]string{}
	loose := map[string]bool{} // every loose name, symbolic ones too
	for _, p := range prefixes {
		root := filepath.Join(commonDir, filepath.FromSlash(strings.TrimSuffix(p, "/")))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil // no such directory, or removed while walking
				}
				return err
			}
			// A name ending in .lock is git updating a ref, not a ref.
			if d.IsDir() || strings.HasSuffix(d.Name(), ".lock") {
				return nil
			}
			rel, err := filepath.Rel(commonDir, path)
			if err != nil {
				return err
			}
			name := filepath.ToSlash(rel)
			b, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				return nil // packed meanwhile: packed-refs, read next, has it
			}
			if err != nil {
				return err
			}
			loose[name] = true
			if v := strings.TrimSpace(string(b)); isSHA1(v) {
				refs[name] = v
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	packed, err := ReadPackedRefs(commonDir)
	if err != nil {
		return nil, err
	}
	for name, p := range packed {
		if under(name) && !loose[name] {
			refs[name] = p.SHA
		}
	}
	return refs, nil
}

// isSHA1 reports whether s is a full lower-case SHA-1 id, as git writes them.
func isSHA1(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
