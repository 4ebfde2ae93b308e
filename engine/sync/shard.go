package sync

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/mgit-dev/mgit/engine/provider"
)

// Shard is shard I of N (I in [0, N)); the zero value keeps everything.
type Shard struct{ I, N uint64 }

// ParseShard parses "I/N"; "" is the whole set (shard 0 of 1).
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{0, 1}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.ParseUint(strings.TrimSpace(is), 10, 32)
	n, err2 := strconv.ParseUint(strings.TrimSpace(ns), 10, 32)
	if !ok || err1 != nil || err2 != nil || n == 0 || i >= n {
		return Shard{}, fmt.Errorf("%q: want I/N with 0 <= I < N", s)
	}
	return Shard{i, n}, nil
}

// Key is what the shard hash is computed over: stable across runs,
// replicas and listing order, and case-insensitive like queries.
func Key(r provider.Repo) string {
	return strings.ToLower(r.Provider + "/" + r.FullName)
}

// Keeps reports whether r belongs to the shard: FNV-1a 64 of Key mod N.
// It depends on nothing but the name, so replicas agree without talking.
func (s Shard) Keeps(r provider.Repo) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(Key(r)))
	return h.Sum64()%s.N == s.I
}
