package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// fakeRunner records commands and answers them from a script keyed by the
// git subcommand (and, when present, its first argument).
type fakeRunner struct {
	mu     sync.Mutex
	calls  []command
	answer func(c command) (output, error)
}

func (f *fakeRunner) run(_ context.Context, c command) (output, error) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if f.answer == nil {
		return output{}, nil
	}
	return f.answer(c)
}

// fakeBackend returns a Backend running f with a fixed inherited
// environment.
func fakeBackend(f *fakeRunner, environ ...string) *Backend {
	b := &Backend{r: f, environ: func() []string { return environ }}
	b.once.Do(func() {})
	return b
}

func envValue(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, _ := strings.Cut(env[i], "="); k == key {
			return v, true
		}
	}
	return "", false
}

func TestEnvironmentPreventsPrompts(t *testing.T) {
	f := &fakeRunner{answer: func(c command) (output, error) {
		return output{stdout: z("# branch.oid (initial)", "# branch.head main")}, nil
	}}
	b := fakeBackend(f, "PATH=/usr/bin", "GIT_ASKPASS=/usr/bin/ksshaskpass", "SSH_ASKPASS=/x", "GIT_DIR=/elsewhere",
		"LC_ALL=de_DE.UTF-8", "GIT_TERMINAL_PROMPT=1")
	if _, err := b.Status(context.Background(), "/w/repo"); err != nil {
		t.Fatal(err)
	}
	env := f.calls[0].env
	for k, want := range map[string]string{
		"GIT_TERMINAL_PROMPT":     "0",
		"GIT_ASKPASS":             "",
		"SSH_ASKPASS":             "",
		"SSH_ASKPASS_REQUIRE":     "never",
		"GIT_SSH_COMMAND":         batchSSH,
		"LC_ALL":                  "C",
		"GIT_OPTIONAL_LOCKS":      "0",
		"GIT_CEILING_DIRECTORIES": "/w",
		"PATH":                    "/usr/bin",
	} {
		if got, ok := envValue(env, k); !ok || got != want {
			t.Errorf("%s = %q (set %v), want %q", k, got, ok, want)
		}
	}
	if _, ok := envValue(env, "GIT_DIR"); ok {
		t.Error("GIT_DIR inherited; it would point git at another repository")
	}
	for _, kv := range env {
		if strings.Count(kv, "=") == 0 {
			t.Errorf("malformed env entry %q", kv)
		}
	}
	if got := f.calls[0].args; !slices.Equal(got, statusArgs()) {
		t.Errorf("argv = %q", got)
	}
}

func TestUserSSHCommandIsKept(t *testing.T) {
	f := &fakeRunner{}
	b := fakeBackend(f, "GIT_SSH_COMMAND=ssh -i /k")
	_ = b.Fetch(context.Background(), "/w/r", git.FetchOptions{})
	if got, _ := envValue(f.calls[0].env, "GIT_SSH_COMMAND"); got != "ssh -i /k" {
		t.Errorf("GIT_SSH_COMMAND = %q, want the user's", got)
	}
}

func TestOptionalLocksOnlyOnReadOnlyCalls(t *testing.T) {
	f := &fakeRunner{answer: func(c command) (output, error) {
		if c.args[0] == "rev-parse" {
			return output{stdout: []byte("aaaa\nbbbb\n")}, nil
		}
		return output{}, nil
	}}
	b := fakeBackend(f)
	ctx := context.Background()
	_ = b.Fetch(ctx, "/w/r", git.FetchOptions{Prune: true, Progress: func(git.Progress) {}})
	_, _ = b.Pull(ctx, "/w/r", git.PullOptions{})
	_ = b.Clone(ctx, "https://h/o/r.git", "/w/new", git.CloneOptions{})
	for _, c := range f.calls {
		_, set := envValue(c.env, "GIT_OPTIONAL_LOCKS")
		readOnly := c.args[0] == "rev-parse" || c.args[0] == "ls-remote" || c.args[0] == "diff-tree" || c.args[0] == "ls-files"
		if set != readOnly {
			t.Errorf("%q: GIT_OPTIONAL_LOCKS set = %v, want %v", c.args, set, readOnly)
		}
	}
	if got := f.calls[0].args; !slices.Equal(got, []string{"fetch", "--progress", "--prune"}) {
		t.Errorf("fetch argv = %q", got)
	}
}

func TestCredentialsOnlyInEnvironment(t *testing.T) {
	const secret = "ghp_s3cretTOKEN"
	auth := git.Credentials{Username: "alice", Password: secret}
	f := &fakeRunner{answer: func(c command) (output, error) {
		switch c.args[0] {
		case "ls-remote":
			return output{stdout: []byte("https://git.example.com:8443/org/repo.git\n")}, nil
		case "rev-parse":
			return output{stdout: []byte("aaaa\nbbbb\n")}, nil
		}
		return output{}, nil
	}}
	// The caller already passes one config entry of its own.
	b := fakeBackend(f, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.x", "GIT_CONFIG_VALUE_0=y")
	ctx := context.Background()
	if err := b.Fetch(ctx, "/w/r", git.FetchOptions{Auth: auth}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Pull(ctx, "/w/r", git.PullOptions{Auth: auth}); err != nil {
		t.Fatal(err)
	}
	if err := b.Clone(ctx, "https://git.example.com:8443/org/repo.git", "/w/new", git.CloneOptions{Auth: auth}); err != nil {
		t.Fatal(err)
	}
	header := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+secret))
	networked := 0
	for _, c := range f.calls {
		for _, a := range c.args {
			if strings.Contains(a, secret) || strings.Contains(a, "Authorization") {
				t.Fatalf("credential in argv: %q", c.args)
			}
		}
		if k, _ := envValue(c.env, "GIT_CONFIG_KEY_0"); k != "core.x" {
			t.Errorf("%q: the caller's GIT_CONFIG_KEY_0 was replaced: %q", c.args, k)
		}
		hasHeader := slices.Contains(c.env, "GIT_CONFIG_VALUE_2="+header)
		if c.args[0] != "fetch" && c.args[0] != "clone" {
			if hasHeader || strings.Contains(strings.Join(c.env, "\n"), secret) {
				t.Errorf("%q: credentials sent to a call that does not need them", c.args)
			}
			continue
		}
		networked++
		want := map[string]string{
			"GIT_CONFIG_COUNT":   "11",
			"GIT_CONFIG_KEY_1":   "http.https://git.example.com:8443/.extraHeader",
			"GIT_CONFIG_VALUE_1": "",
			"GIT_CONFIG_KEY_2":   "http.https://git.example.com:8443/.extraHeader",
			"GIT_CONFIG_VALUE_2": header,
			"GIT_CONFIG_KEY_3":   "credential.helper",
			"GIT_CONFIG_VALUE_3": "",
		}
		for k, v := range want {
			if got, _ := envValue(c.env, k); got != v {
				t.Errorf("%q: %s = %q, want %q", c.args, k, got, v)
			}
		}
	}
	if networked != 3 {
		t.Errorf("saw %d fetch/clone calls, want 3", networked)
	}
}

func TestNoHeaderForSSHRemotes(t *testing.T) {
	cfg, _ := authConfig("git@github.com:o/r.git", git.Credentials{Password: "x"})
	if cfg != nil {
		t.Errorf("config for an ssh remote: %q", cfg)
	}
	cfg, _ = authConfig("https://h/r.git", git.Credentials{})
	if cfg != nil {
		t.Errorf("config without credentials: %q", cfg)
	}
}

func TestCloneArgv(t *testing.T) {
	f := &fakeRunner{}
	b := fakeBackend(f)
	err := b.Clone(context.Background(), "https://h/o/r.git", "/w/d", git.CloneOptions{Depth: 1, Branch: "dev", Progress: func(git.Progress) {}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"clone", "--progress", "--depth=1", "--branch=dev", "--", "https://h/o/r.git", "/w/d"}
	if got := f.calls[0].args; !slices.Equal(got, want) {
		t.Errorf("argv = %q, want %q", got, want)
	}
	// Nobody to show progress to: git is not asked for it.
	if err := b.Clone(context.Background(), "https://h/o/r.git", "/w/e", git.CloneOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.calls[1].args, []string{"clone", "--", "https://h/o/r.git", "/w/e"}; !slices.Equal(got, want) {
		t.Errorf("argv without progress = %q, want %q", got, want)
	}
	for _, bad := range []string{"-uhttps://evil", "--upload-pack=touch /tmp/x", ""} {
		err := b.Clone(context.Background(), bad, "/w/d", git.CloneOptions{})
		var ge *git.Error
		if !errors.As(err, &ge) || ge.Op != "clone" {
			t.Errorf("Clone(%q) = %v, want a clone error", bad, err)
		}
	}
	if len(f.calls) != 2 {
		t.Errorf("git ran %d times for rejected URLs", len(f.calls)-2)
	}
}

func TestPullArgv(t *testing.T) {
	f := &fakeRunner{answer: func(c command) (output, error) {
		if c.args[0] == "rev-parse" && c.args[1] == "HEAD" && len(c.args) == 2 {
			return output{stdout: []byte("cccc\n")}, nil
		}
		if c.args[0] == "rev-parse" && c.args[1] == "HEAD" {
			return output{stdout: []byte("aaaa\nbbbb\n")}, nil
		}
		if c.args[0] == "rev-parse" {
			return output{stdout: []byte("cccc\n")}, nil
		}
		return output{}, nil
	}}
	b := fakeBackend(f)
	res, err := b.Pull(context.Background(), "/w/r", git.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res != (git.PullResult{Updated: true, From: "aaaa", To: "cccc"}) {
		t.Errorf("result = %+v", res)
	}
	var argv []string
	for _, c := range f.calls {
		argv = append(argv, strings.Join(c.args, " "))
	}
	want := []string{
		"rev-parse HEAD @{upstream}",
		"fetch",
		"rev-parse --verify --end-of-options @{upstream}^{commit}",
		"diff-tree -r -z --name-status --no-renames aaaa cccc", // ignoredInTheWay
		"merge --ff-only --no-stat --no-autostash cccc",
		"rev-parse HEAD",
	}
	if !slices.Equal(argv, want) {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(argv, "\n"), strings.Join(want, "\n"))
	}
}

func TestFailureIsClassifiedAndScrubbed(t *testing.T) {
	const secret = "tok-123456"
	f := &fakeRunner{answer: func(c command) (output, error) {
		if c.args[0] == "ls-remote" {
			return output{stdout: []byte("https://h/r.git\n")}, nil
		}
		return output{stderr: "remote: token " + secret + " rejected\nfatal: Authentication failed for 'https://bob:" + secret + "@h/r.git/'\n"},
			&exec.ExitError{}
	}}
	b := fakeBackend(f)
	err := b.Fetch(context.Background(), "/w/r", git.FetchOptions{Auth: git.Credentials{Username: "bob", Password: secret}})
	if !errors.Is(err, git.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "bob:") {
		t.Errorf("credential in error: %v", err)
	}
	var ge *git.Error
	if !errors.As(err, &ge) || ge.Op != "fetch" || ge.Dir != "/w/r" || !strings.Contains(ge.Detail, "Authentication failed for 'https://h/r.git/'") {
		t.Errorf("error = %#v", ge)
	}
}
