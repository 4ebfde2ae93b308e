package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/engine/state"
)

// Minimum git version. 2.31 is the first to read GIT_CONFIG_COUNT, the only
// way credentials reach git here; an older git would silently fetch without
// them.
const (
	minMajor = 2
	minMinor = 31
)

// Backend runs the git binary. The zero value is ready to use.
type Backend struct {
	// GitPath is the git executable; empty means "git" found on PATH.
	GitPath string
	// SecretEnv, when set, reports environment variables that hold
	// secrets (the providers' token variables): they are removed from the
	// environment of every git process, and so of every hook. MGIT_*
	// variables are removed regardless (see secretEnv).
	SecretEnv func(name string) bool

	// NoHints turns off the dirty hints Status keeps in the cache
	// directory (state.DirtyHints).
	NoHints bool

	once      sync.Once
	hintsOnce sync.Once
	hints     *state.DirtyHints
	r         runner
	rErr      error
	environ   func() []string // os.Environ unless a test sets it
	// quickRead is quickstatus.Read unless a test counts the reads.
	quickRead func(dir string) (git.Status, error)
}

var _ git.Backend = (*Backend)(nil)

// New returns a Backend that uses git from PATH.
func New() *Backend { return &Backend{} }

// Name is "cli".
func (b *Backend) Name() string { return "cli" }

// resolve finds git once per Backend.
func (b *Backend) resolve() (runner, error) {
	b.once.Do(func() {
		if b.r != nil {
			return
		}
		path := b.GitPath
		if path == "" {
			p, err := exec.LookPath("git")
			if err != nil {
				b.rErr = fmt.Errorf("find git: %w", err)
				return
			}
			path = p
		}
		b.r = execRunner{path: path}
	})
	return b.r, b.rErr
}

// command prepares one invocation; it runs nothing.
func (b *Backend) command(dir string, args []string, o cmdOpts) command {
	environ := b.environ
	if environ == nil {
		environ = os.Environ
	}
	return command{dir: dir, args: args, env: buildEnv(environ(), dir, o, b.SecretEnv), progress: o.progress}
}

// run executes git and returns its output and the raw error.
func (b *Backend) run(ctx context.Context, dir string, args []string, o cmdOpts) (output, error) {
	r, err := b.resolve()
	if err != nil {
		return output{}, err
	}
	out, err := r.run(ctx, b.command(dir, args, o))
	out.stderr = scrub(out.stderr, o.secrets)
	return out, err
}

// git runs git and turns a failure into a *git.Error for op.
func (b *Backend) git(ctx context.Context, op, dir string, args []string, o cmdOpts) (output, error) {
	out, err := b.run(ctx, dir, args, o)
	if err != nil {
		return out, b.failure(ctx, op, dir, o, out, err)
	}
	return out, nil
}

// failure is the package failure, except that a redirect git refused while
// holding credentials says where the remote moved (movedError).
func (b *Backend) failure(ctx context.Context, op, dir string, o cmdOpts, out output, err error) error {
	if o.remote != "" {
		if merr := movedError(ctx, op, dir, o.remote, o.auth, b.command(dir, nil, o).env, out, err); merr != nil {
			return merr
		}
	}
	return failure(ctx, op, dir, out, err)
}

// failure builds the error for a failed git process: cancellation wins over
// whatever git printed while it was being killed.
func failure(ctx context.Context, op, dir string, out output, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &git.Error{Op: op, Dir: dir, Err: ctxErr}
	}
	return &git.Error{Op: op, Dir: dir, Kind: git.Classify(out.stderr), Detail: detail(out.stderr), Err: err}
}

// Available reports whether a usable git (2.31 or newer) is on PATH; the
// engine's auto backend selection falls back to go-git when it is not.
func Available(ctx context.Context) error {
	path, err := exec.LookPath("git")
	if err != nil {
		return fmt.Errorf("git not found on PATH: %w", err)
	}
	out, err := gitVersion(ctx, path, os.Getenv)
	if err != nil {
		return err
	}
	major, minor, err := parseVersion(out)
	if err != nil {
		return err
	}
	if major < minMajor || (major == minMajor && minor < minMinor) {
		return fmt.Errorf("git %d.%d at %s is too old: need %d.%d or newer", major, minor, path, minMajor, minMinor)
	}
	return nil
}

// parseVersion reads "git version 2.39.5" (also "2.39.5.windows.1",
// "2.39.5 (Apple Git-143)").
func parseVersion(s string) (int, int, error) {
	v, ok := strings.CutPrefix(strings.TrimSpace(s), "git version ")
	if !ok {
		return 0, 0, fmt.Errorf("unrecognised git version %q", humanize.Truncate(s, 60))
	}
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("unrecognised git version %q", humanize.Truncate(s, 60))
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("unrecognised git version %q", humanize.Truncate(s, 60))
	}
	return major, minor, nil
}
