package cli

import (
	"os"
	"path/filepath"
	"strings"
)

// Skipping idle auto-maintenance.
//
// `git fetch` and `git merge` finish by starting `git maintenance run
// --auto`: one more process per repository, which for the 200-repository
// fetch benchmark is a large share of the work, and which nearly always
// decides there is nothing to do. We pass maintenance.auto=false (through
// GIT_CONFIG_COUNT, like all our configuration) only when we have checked,
// the way git checks, that it would indeed do nothing:
//
//   - no maintenance.* key anywhere (no maintenance.strategy, no task
//     enabled, no registration): then the only automatic task is gc, whose
//     trigger is need_to_gc() in builtin/gc.c;
//   - gc.auto ≤ 0, or fewer loose objects than gc.auto: git estimates them
//     from objects/17 alone (count > ceil(gc.auto/256), default 6700);
//   - gc.autoPackLimit ≤ 0, or at most that many packs without a .keep
//     (default 50).
//
// The check keeps a margin of one object in objects/17 and one pack for
// what the fetch itself writes. It is safe because it never disables work
// that is due: when a repository reaches a threshold, the next fetch or
// merge leaves maintenance to git, which runs gc exactly as before, so
// long-running `mgit sync` containers still get their repositories
// collected. In the rare case the fetch itself crosses a threshold inside
// the margin, gc is deferred to the next operation, not lost. Any doubt
// (configuration we cannot read, includes, config in the environment, a
// worktree layout we do not know) means no override.

const (
	defaultGCAuto          = 6700
	defaultGCAutoPackLimit = 50
)

// maintenanceIdle reports whether git's automatic maintenance would do
// nothing in the repository of the work tree at dir; env is the inherited
// environment (before ours is added).
func maintenanceIdle(dir string, env []string) bool {
	r, err := findRepo(dir)
	if err != nil {
		return false
	}
	cfg, err := loadConfig(r, env)
	if err != nil || cfg.hasSection("maintenance") {
		return false
	}
	gcAuto, ok := configInt(cfg, "auto", defaultGCAuto)
	if !ok {
		return false
	}
	if gcAuto <= 0 {
		return true // gc.auto=0 disables automatic gc altogether
	}
	packLimit, ok := configInt(cfg, "autoPackLimit", defaultGCAutoPackLimit)
	if !ok {
		return false
	}
	objects := filepath.Join(r.CommonDir, "objects")
	if packLimit > 0 {
		packs, ok := countPacks(filepath.Join(objects, "pack"))
		if !ok || packs+1 > packLimit {
			return false
		}
	}
	perBucket := (gcAuto + 255) / 256
	loose, ok := countLoose(filepath.Join(objects, "17"))
	return ok && loose+1 <= perBucket
}

// configInt reads gc.<key> as git_config_int would; ok is false for a value
// git would reject.
func configInt(cfg configView, key string, def int64) (int64, bool) {
	v, set := cfg.last("gc", "", key)
	if !set {
		return def, true
	}
	return gitInt(v)
}

// countLoose counts loose object files in one fan-out directory the way
// too_many_loose_objects does (names of exactly 38 lowercase hex digits).
func countLoose(dir string) (int64, bool) {
	names, ok := readNames(dir)
	if !ok {
		return 0, false
	}
	var n int64
	for _, name := range names {
		if len(name) == 38 && strings.Trim(name, "0123456789abcdef") == "" {
			n++
		}
	}
	return n, true
}

// countPacks counts packs without a .keep file. git counts packs through
// their .idx; counting every .pack can only overcount, which errs towards
// leaving maintenance to git.
func countPacks(dir string) (int64, bool) {
	names, ok := readNames(dir)
	if !ok {
		return 0, false
	}
	keep := map[string]bool{}
	for _, name := range names {
		if base, ok := strings.CutSuffix(name, ".keep"); ok {
			keep[base] = true
		}
	}
	var n int64
	for _, name := range names {
		if base, ok := strings.CutSuffix(name, ".pack"); ok && !keep[base] {
			n++
		}
	}
	return n, true
}

// readNames lists a directory; a missing one is empty, as for git.
func readNames(dir string) ([]string, bool) {
	f, err := os.Open(dir)
	if os.IsNotExist(err) {
		return nil, true
	}
	if err != nil {
		return nil, false
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	return names, err == nil
}
