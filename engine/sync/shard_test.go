package sync

import (
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/provider"
)

func TestShardHashIsStableAndCaseInsensitive(t *testing.T) {
	a := provider.Repo{Provider: "GH", FullName: "Org/Repo"}
	b := provider.Repo{Provider: "gh", FullName: "org/repo"}
	for n := uint64(1); n <= 7; n++ {
		kept := 0
		for i := range n {
			s := Shard{i, n}
			if s.Keeps(a) != s.Keeps(b) {
				t.Fatalf("case changes the shard")
			}
			if s.Keeps(a) {
				kept++
			}
		}
		if kept != 1 {
			t.Fatalf("kept by %d of %d shards", kept, n)
		}
	}
	// The documented hash: FNV-1a 64 of the lower-cased "provider/full name"
	// mod N, computed here independently, so replicas built from other
	// versions (or other tools) agree.
	want := fnvOf("gh/org/repo") % 7
	if !(Shard{want, 7}).Keeps(a) {
		t.Fatalf("gh/org/repo not in shard %d/7", want)
	}
	if !(Shard{}).Keeps(a) {
		t.Error("the zero Shard drops a repository")
	}
	for _, bad := range []string{"2/2", "1", "a/b", "0/0", "-1/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	for in, want := range map[string]Shard{"": {0, 1}, "1/3": {1, 3}, " 0 / 2 ": {0, 2}} {
		if got, err := ParseShard(in); err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func fnvOf(s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

func TestProgressLimit(t *testing.T) {
	for _, c := range []struct {
		interval, timeout, want time.Duration
	}{
		{15 * time.Minute, 0, 45*time.Minute + 30*time.Minute},
		{time.Minute, 90 * time.Second, 3*time.Minute + 270*time.Second},
	} {
		if got := ProgressLimit(c.interval, c.timeout); got != c.want {
			t.Errorf("ProgressLimit(%s, %s) = %s, want %s", c.interval, c.timeout, got, c.want)
		}
	}
}
