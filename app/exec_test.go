package app

import (
	"context"
	"errors"
	"io"
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

// The exec constructor splits DIR from the command at "--" and hands the
// flags to runF.
func TestNewCmdExecOptions(t *testing.T) {
	f := newFactory(io.Discard, io.Discard, func(string) string { return "" }, ChooseBackend)
	var got *ExecOptions
	cmd := NewCmdExec(f, func(_ context.Context, o *ExecOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--stream", "--query", "acme/*", "ws", "--", "git", "log", "--oneline", "-1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Dir != "ws" || got.Query != "acme/*" || !got.Stream || got.Shell ||
		len(got.Argv) != 4 || got.Argv[0] != "git" || got.Argv[2] != "--oneline" {
		t.Fatalf("options %+v", got)
	}

	got = nil
	cmd = NewCmdExec(f, func(_ context.Context, o *ExecOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--shell", "--", "make && make test"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Dir != "." || !got.Shell || len(got.Argv) != 1 || got.Argv[0] != "make && make test" {
		t.Fatalf("options %+v", got)
	}
}
