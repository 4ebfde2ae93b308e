package difftest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// gitCmd runs git in dir with stdin and returns its stdout. Every read runs
// with GIT_OPTIONAL_LOCKS=0 so that asking git never rewrites the index
// the backends are about to read.
//
// An empty dir is refused: git would run in the test's directory, which is
// inside the project's own repository.
func gitCmd(dir string, stdin io.Reader, args ...string) ([]byte, error) {
	return gitEnv(dir, nil, stdin, args...)
}

// gitEnv is gitCmd with extra environment variables ("K=V").
func gitEnv(dir string, env []string, stdin io.Reader, args ...string) ([]byte, error) {
	if dir == "" {
		return nil, fmt.Errorf("git %s: no directory given", strings.Join(args, " "))
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// quote writes p in the C style git's fast-import reads: every byte that is
// not printable ASCII, '"' or '\\' escaped, so any path survives the trip.
func quote(p string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
