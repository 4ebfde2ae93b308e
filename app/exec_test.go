package app

import (
	"errors"
	"strings"
	"testing"
)

func TestSplitExecArgs(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		dash  int
		shell bool
		dir   []string
		argv  string // joined by |; "" when a usage error is wanted
	}{
		{[]string{"git", "status"}, 0, false, nil, "git|status"},
		{[]string{"ws", "git", "status"}, 1, false, []string{"ws"}, "git|status"},
		{[]string{"ws", "make && make test"}, 1, true, []string{"ws"}, "make && make test"},
		{[]string{"git", "status"}, -1, false, nil, ""}, // no --
		{[]string{"ws"}, 1, false, nil, ""},             // nothing after --
		{[]string{"a", "b", "true"}, 2, false, nil, ""}, // two DIRs
		{[]string{"make", "test"}, 0, true, nil, ""},    // a script in pieces
		{[]string{" "}, 0, true, nil, ""},               // an empty script
	} {
		dir, argv, err := splitExecArgs(tc.args, tc.dash, tc.shell)
		if tc.argv == "" {
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Errorf("%q at %d: err %v, want a usage error", tc.args, tc.dash, err)
			}
			continue
		}
		if err != nil || strings.Join(argv, "|") != tc.argv || strings.Join(dir, "|") != strings.Join(tc.dir, "|") {
			t.Errorf("%q at %d: dir %q argv %q err %v", tc.args, tc.dash, dir, argv, err)
		}
	}
}
