package cli

import (
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// z joins records the way `git status -z` terminates them.
func z(recs ...string) []byte { return []byte(strings.Join(recs, "\x00") + "\x00") }

const (
	oidA = "934629e3be0c7c1d0a9a7c4890d25cc74ab9015a"
	hdrs = "100644 100644 100644 7898192613b2afb6025042ff6bd878ac1994e85 7898192613b2afb6025042ff6bd878ac1994e85"
)

// The records below are real git 2.39 output (shortened object IDs aside).
func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		out     []byte
		want    git.Status
		wantOID string
	}{
		{
			name:    "clean tracking",
			out:     z("# branch.oid "+oidA, "# branch.head main", "# branch.upstream origin/main", "# branch.ab +0 -0"),
			want:    git.Status{Branch: "main", Upstream: "origin/main"},
			wantOID: oidA,
		},
		{
			name: "rename, staged+unstaged, unstaged, untracked",
			out: z("# branch.oid "+oidA, "# branch.head main", "# branch.upstream origin/main", "# branch.ab +0 -0",
				"2 R. N... "+hdrs+" R100 a2", "a",
				"1 MM N... "+hdrs+" b",
				"1 .M N... "+hdrs+" c",
				"? u"),
			want:    git.Status{Branch: "main", Upstream: "origin/main", Staged: 2, Unstaged: 2, Untracked: 1},
			wantOID: oidA,
		},
		{
			name: "rename whose original path looks like a record",
			out: z("# branch.oid "+oidA, "# branch.head main",
				"2 R. N... "+hdrs+" R100 new", "? old"),
			want:    git.Status{Branch: "main", Staged: 1},
			wantOID: oidA,
		},
		{
			name: "conflict, stash, ahead",
			out: z("# branch.oid "+oidA, "# branch.head main", "# branch.upstream origin/main", "# branch.ab +2 -0", "# stash 1",
				"u UU N... 100644 100644 100644 100644 f2ad6c7 28ce6a8 b478595 c", "? u"),
			want:    git.Status{Branch: "main", Upstream: "origin/main", Ahead: 2, Conflicts: 1, Untracked: 1, Stash: 1},
			wantOID: oidA,
		},
		{
			name:    "diverged",
			out:     z("# branch.oid "+oidA, "# branch.head main", "# branch.upstream origin/main", "# branch.ab +3 -5"),
			want:    git.Status{Branch: "main", Upstream: "origin/main", Ahead: 3, Behind: 5},
			wantOID: oidA,
		},
		{
			name:    "upstream gone",
			out:     z("# branch.oid "+oidA, "# branch.head gone", "# branch.upstream origin/gone"),
			want:    git.Status{Branch: "gone", Upstream: "origin/gone", UpstreamGone: true},
			wantOID: oidA,
		},
		{
			name:    "detached",
			out:     z("# branch.oid "+oidA, "# branch.head (detached)"),
			want:    git.Status{Detached: true},
			wantOID: oidA,
		},
		{
			name: "no commits yet",
			out:  z("# branch.oid (initial)", "# branch.head main", "? a"),
			want: git.Status{Branch: "main", NoCommits: true, Untracked: 1},
		},
		{
			name:    "branch name with spaces is impossible but slashes are common",
			out:     z("# branch.oid "+oidA, "# branch.head feature/x-1", "# branch.upstream upstream/feature/x-1", "# branch.ab +0 -1"),
			want:    git.Status{Branch: "feature/x-1", Upstream: "upstream/feature/x-1", Behind: 1},
			wantOID: oidA,
		},
		{
			name:    "file name with spaces and newline",
			out:     z("# branch.oid "+oidA, "# branch.head main", "1 A. N... 000000 100644 100644 0000000 e69de29 a b\nc", "? x y"),
			want:    git.Status{Branch: "main", Staged: 1, Untracked: 1},
			wantOID: oidA,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, oid, err := parseStatus(tt.out)
			if err != nil {
				t.Fatalf("parseStatus: %v", err)
			}
			if got != tt.want {
				t.Errorf("status = %+v\nwant     %+v", got, tt.want)
			}
			if oid != tt.wantOID {
				t.Errorf("oid = %q, want %q", oid, tt.wantOID)
			}
		})
	}
}

func TestParseStatusRejectsGarbage(t *testing.T) {
	for name, out := range map[string][]byte{
		"empty":        nil,
		"no header":    z("? a"),
		"bad ab":       z("# branch.oid "+oidA, "# branch.ab 1 2"),
		"negative ab":  z("# branch.oid "+oidA, "# branch.ab +1 --2"),
		"bad stash":    z("# branch.oid "+oidA, "# stash x"),
		"bad entry":    z("# branch.oid "+oidA, "1 M"),
		"unknown kind": z("# branch.oid "+oidA, "Z what"),
	} {
		if _, _, err := parseStatus(out); err == nil {
			t.Errorf("%s: parseStatus(%q) succeeded, want an error", name, out)
		}
	}
}

// FuzzParseStatus checks that no input makes the parser panic and that
// counts are never negative.
func FuzzParseStatus(f *testing.F) {
	f.Add(z("# branch.oid "+oidA, "# branch.head main", "# branch.upstream origin/main", "# branch.ab +1 -2", "# stash 3",
		"2 R. N... "+hdrs+" R100 a2", "a", "u UU N... 1 1 1 1 a b c d", "? u"))
	f.Add(z("# branch.oid (initial)", "# branch.head (detached)"))
	f.Fuzz(func(t *testing.T, out []byte) {
		st, _, err := parseStatus(out)
		if err != nil {
			return
		}
		if st.Ahead < 0 || st.Behind < 0 || st.Stash < 0 || st.Staged < 0 || st.Unstaged < 0 {
			t.Fatalf("negative count in %+v", st)
		}
	})
}
