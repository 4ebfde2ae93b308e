package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
)

// Version is the format of the files Store writes (see entry_lines.go). A
// file of another version is discarded, not migrated: it is only a cache;
// the one exception is version 1, the JSON form, which still loads so that
// an upgrade does not cost the first paint.
const Version = 2

// versionJSON is the last version written as JSON.
const versionJSON = 1

// Entry is what is known of one repository.
type Entry struct {
	// Path is the repository's work tree and Kind how discovery found it
	// ("repo", "worktree", "submodule"): enough to paint its row before
	// discovery has walked the workspace again. Empty in caches written
	// before they were kept, and for repositories not cloned.
	Path string `json:"path,omitempty"`
	Kind string `json:"kind,omitempty"`
	// Status is the last status read, nil when none was.
	Status *git.Status `json:"status,omitempty"`
	// Checked is when Status was read.
	Checked time.Time `json:"checked,omitzero"`
	// Last is the last operation's result, nil when none ran.
	Last *OpResult `json:"last,omitempty"`
}

// OpResult is a finished operation as the presenters show it. The error is
// kept as text with its classified cause and hint, because an error value
// does not survive a round trip through a file.
type OpResult struct {
	Op       string        `json:"op"`
	Outcome  string        `json:"outcome"`
	Detail   string        `json:"detail,omitempty"`
	Error    string        `json:"error,omitempty"`
	Cause    string        `json:"cause,omitempty"`
	Hint     string        `json:"hint,omitempty"`
	Duration time.Duration `json:"duration"`
	Finished time.Time     `json:"finished"`
	Attempts int           `json:"attempts,omitempty"`
}

// Store reads and writes the last known state of workspaces. It is safe
// for concurrent use as far as the file system is: every Save replaces the
// whole file atomically, so the last writer wins.
type Store struct {
	dir string
	log zerolog.Logger
}

// Open returns a store keeping its files under dir (see DefaultDir). It
// touches nothing until Load or Save.
func Open(dir string, log zerolog.Logger) *Store {
	return &Store{dir: dir, log: log}
}

// path is the file of one workspace root, keyed by its cleaned absolute
// path so that "." and the full path share a cache.
func (s *Store) path(root string) (string, string) {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	root = filepath.Clean(root)
	return root, filepath.Join(s.dir, "workspaces", hashName(root))
}

// Load returns the entries saved for root, keyed by repository ID. A
// missing file is an empty result; an unreadable, corrupt or
// version-mismatched one is logged as a warning and also empty — a cache
// never stops mgit.
func (s *Store) Load(root string) map[string]Entry {
	root, p := s.path(root)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Entry{}
	}
	if err != nil {
		s.log.Warn().Err(err).Str("file", p).Msg("state cache unreadable, ignored")
		return map[string]Entry{}
	}
	saved, version, entries, err := decode(data)
	switch {
	case err != nil:
		s.log.Warn().Err(err).Str("file", p).Msg("state cache corrupt, discarded")
		s.discard(p)
		return map[string]Entry{}
	case entries == nil:
		s.log.Warn().Int("version", version).Int("want", Version).Str("file", p).
			Msg("state cache of another version, discarded")
		s.discard(p)
		return map[string]Entry{}
	case saved != root:
		s.log.Warn().Str("root", saved).Str("want", root).Str("file", p).
			Msg("state cache of another workspace, ignored")
		return map[string]Entry{}
	}
	return entries
}

// decode reads either form: the root the file was saved for, its version,
// and its entries, nil when the version is not one this mgit reads.
func decode(data []byte) (string, int, map[string]Entry, error) {
	if !bytes.HasPrefix(data, []byte("{")) {
		return decodeLines(data)
	}
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return "", 0, nil, err
	}
	if f.Version != versionJSON {
		return f.Root, f.Version, nil, nil
	}
	out := make(map[string]Entry, len(f.Repos))
	for id, e := range f.Repos {
		out[id] = e.entry()
	}
	return f.Root, f.Version, out, nil
}

func (s *Store) discard(p string) {
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn().Err(err).Str("file", p).Msg("remove discarded state cache")
	}
}

// Save replaces the entries of root.
func (s *Store) Save(root string, repos map[string]Entry) error {
	root, p := s.path(root)
	data := encodeLines(root, time.Now().UTC(), repos)
	if err := writeAtomic(p, data); err != nil {
		return fmt.Errorf("save state of %s: %w", root, err)
	}
	return nil
}
