package app

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// execWorkspace makes ws/ with three repositories: two of acme, one local.
func execWorkspace(t *testing.T, r *mgitRunner) []string {
	t.Helper()
	rels := []string{"github.com/acme/app", "github.com/acme/lib", "local/tool"}
	for _, rel := range rels {
		dir := filepath.Join(r.dir, "ws", rel)
		gittest.InitRepo(t, dir)
		gittest.Commit(t, dir, "README", rel, "init")
	}
	return rels
}

// blocks parses grouped output: "==> PATH" headers and the lines under
// them, and the summary line.
func blocks(t *testing.T, out string) (map[string][]string, string) {
	t.Helper()
	got := map[string][]string{}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	cur := ""
	for _, l := range lines[:len(lines)-1] {
		if p, ok := strings.CutPrefix(l, "==> "); ok {
			if _, dup := got[p]; dup {
				t.Fatalf("%s has two blocks:\n%s", p, out)
			}
			cur, got[p] = p, []string{}
			continue
		}
		if cur == "" {
			t.Fatalf("output before the first block:\n%s", out)
		}
		got[cur] = append(got[cur], l)
	}
	return got, lines[len(lines)-1]
}

func TestExecEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	rels := execWorkspace(t, r)

	t.Run("grouped", func(t *testing.T) {
		// Each block is one repository's whole output, even with the
		// command writing in several pieces.
		res := r.run(nil, "exec", "ws", "--", "sh", "-c", "pwd; sleep 0.01; echo second; echo err >&2")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		got, sum := blocks(t, res.stdout)
		for _, rel := range rels {
			// stdout's lines keep their order; stderr is another pipe,
			// read by another goroutine, so where "err" lands among them
			// is the scheduler's choice (under load it came first).
			b := got[filepath.Join("ws", rel)]
			var out []string
			for _, l := range b {
				if l != "err" {
					out = append(out, l)
				}
			}
			if len(b) != 3 || len(out) != 2 || !strings.HasSuffix(out[0], filepath.Join("ws", rel)) || out[1] != "second" {
				t.Errorf("block of %s: %q", rel, b)
			}
		}
		if len(got) != 3 || !strings.HasPrefix(sum, "exec: 3 ok, 0 failed, 0 skipped in ") {
			t.Errorf("%d blocks, summary %q", len(got), sum)
		}
	})

	t.Run("no shell unless asked", func(t *testing.T) {
		res := r.run(nil, "exec", "ws", "--query", "acme/app", "--", "echo", "$HOME", "a;b", "*")
		got, _ := blocks(t, res.stdout)
		if b := got[filepath.Join("ws", rels[0])]; res.code != 0 || len(b) != 1 || b[0] != "$HOME a;b *" {
			t.Fatalf("exit %d, %q", res.code, res.stdout)
		}
		res = r.run(nil, "exec", "ws", "--query", "acme/app", "--shell", "--", "echo $((40+2)) | tr 4 x")
		got, _ = blocks(t, res.stdout)
		if b := got[filepath.Join("ws", rels[0])]; res.code != 0 || len(b) != 1 || b[0] != "x2" {
			t.Fatalf("exit %d, %q", res.code, res.stdout)
		}
	})

	t.Run("non-zero exit", func(t *testing.T) {
		writeFile(t, filepath.Join(r.dir, "ws", "local/tool", "broken"), "")
		defer os.Remove(filepath.Join(r.dir, "ws", "local/tool", "broken"))
		res := r.run(nil, "exec", "ws", "--shell", "--", "test ! -e broken")
		if res.code != 1 {
			t.Fatalf("exit %d, want 1\n%s", res.code, res.stdout)
		}
		if !strings.Contains(res.stdout, "FAIL ws/local/tool  exec local/tool: command failed: exit status 1\n") ||
			!strings.Contains(res.stdout, "exec: 2 ok, 1 failed, 0 skipped in ") {
			t.Fatalf("stdout:\n%s", res.stdout)
		}
	})

	t.Run("json", func(t *testing.T) {
		res := r.run(nil, "exec", "ws", "-o", "json", "--shell", "--", "echo out; echo err >&2; [ \"${PWD##*/}\" = lib ] && exit 3; exit 0")
		if res.code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", res.code, res.stdout, res.stderr)
		}
		objs := ndjson(t, res.stdout)
		codes := map[string]float64{}
		for _, o := range objs[:len(objs)-1] {
			if o["type"] != "op" || o["op"] != "exec" || o["stdout"] != "out\n" || o["stderr"] != "err\n" {
				t.Errorf("op line %v", o)
			}
			codes[o["repo"].(string)] = o["exit_code"].(float64)
		}
		if len(codes) != 3 || codes[rels[0]] != 0 || codes[rels[1]] != 3 || codes[rels[2]] != 0 {
			t.Errorf("exit codes %v", codes)
		}
		if sum := objs[len(objs)-1]; sum["ok"] != 2.0 || sum["failed"] != 1.0 || sum["exit_code"] != 1.0 {
			t.Errorf("summary %v", sum)
		}
	})

	t.Run("stream", func(t *testing.T) {
		res := r.run(nil, "exec", "ws", "--stream", "--shell", "--", "echo one; echo two")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
		lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
		for _, rel := range rels {
			p := filepath.Join("ws", rel) + ": "
			if i, j := index(lines, p+"one"), index(lines, p+"two"); i < 0 || j < i {
				t.Errorf("%s: lines %d, %d in\n%s", rel, i, j, res.stdout)
			}
		}
		if len(lines) != 7 || strings.Contains(res.stdout, "==> ") {
			t.Errorf("stdout:\n%s", res.stdout)
		}
	})

	t.Run("query narrows", func(t *testing.T) {
		res := r.run(nil, "exec", "ws", "--query", "acme/*", "--", "true")
		got, sum := blocks(t, res.stdout)
		if res.code != 0 || len(got) != 2 || got["ws/local/tool"] != nil || !strings.HasPrefix(sum, "exec: 2 ok") {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
	})

	t.Run("tokens are not visible", func(t *testing.T) {
		secrets := []string{"MGIT_TOKEN=mgit-tok-1", "MGIT_TOKEN_WORK=mgit-tok-2", "GITHUB_TOKEN=gh-tok-3",
			"GH_TOKEN=gh-tok-4", "GITLAB_TOKEN=gl-tok-5", "MGIT_KEYRING_PASSWORD=kr-pw-6", "EXEC_E2E_VISIBLE=yes"}
		res := r.run(secrets, "exec", "ws", "-o", "json", "--", "env")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		for _, s := range []string{"mgit-tok-1", "mgit-tok-2", "gh-tok-3", "gh-tok-4", "gl-tok-5", "kr-pw-6", "MGIT_", "GITHUB_TOKEN", "GIT_ASKPASS=", "GIT_CONFIG_COUNT"} {
			if strings.Contains(res.stdout, s) {
				t.Errorf("the command saw %q", s)
			}
		}
		if strings.Count(res.stdout, "EXEC_E2E_VISIBLE=yes") != 3 {
			t.Errorf("the user's environment did not reach the commands:\n%s", res.stdout)
		}
	})

	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"exec", "ws"},                            // no --
			{"exec", "ws", "--"},                      // no command
			{"exec", "ws", "extra", "--", "true"},     // two DIRs
			{"exec", "--shell", "ws", "--", "a", "b"}, // a script in pieces
		} {
			if res := r.run(nil, args...); res.code != 2 || !strings.Contains(res.stderr, "Usage: mgit exec") {
				t.Errorf("%v: exit %d, want 2\n%s", args, res.code, res.stderr)
			}
		}
	})
}

// TestExecInterrupt: SIGINT stops every command, and what each started,
// promptly; mgit exits 130.
func TestExecInterrupt(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	rels := execWorkspace(t, r)
	marks := t.TempDir()
	// Each command starts a sleep, writes its pid where the test can see
	// it, and waits for it.
	script := `sleep 300 & echo $! > "` + marks + `/$(basename "$PWD").tmp" && mv "` + marks + `/$(basename "$PWD").tmp" "` + marks + `/$(basename "$PWD")"; wait`
	cmd, out, errb := r.command(nil, "exec", "ws", "-o", "json", "--shell", "--", script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var pids []int
	deadline := time.Now().Add(30 * time.Second) // a guard against a hang
	for _, rel := range rels {
		for {
			b, err := os.ReadFile(filepath.Join(marks, filepath.Base(rel)))
			if err == nil {
				pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil {
					t.Fatal(err)
				}
				pids = append(pids, pid)
				break
			}
			select {
			case err := <-done:
				t.Fatalf("mgit exited before every command started: %v\n%s%s", err, out, errb)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no marker from %s", rel)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	defer func() {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}()
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("mgit did not stop within 10s of SIGINT")
	}
	t.Logf("stopped %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130\n%s%s", code, out, errb)
	}
	objs := ndjson(t, out.String())
	if sum := objs[len(objs)-1]; sum["interrupted"] != true || sum["exit_code"] != 130.0 {
		t.Errorf("summary %v", sum)
	}
	// mgit waited for its commands; their sleeps were in their process
	// groups and got the signal too. A zombie awaiting init counts as gone.
	for _, pid := range pids {
		for !processGone(pid) {
			if time.Since(sent) > 10*time.Second {
				t.Fatalf("the command's child %d outlived mgit", pid)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func processGone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) != nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] == 'Z'
}

func index(l []string, s string) int {
	for i, v := range l {
		if v == s {
			return i
		}
	}
	return -1
}
