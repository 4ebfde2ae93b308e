package git

import (
	"errors"
	"testing"
)

// Most messages below were produced by git 2.39.5 with LC_ALL=C against local
// repositories and a smart-HTTP test server on 127.0.0.1. The GitHub, push,
// RPC and timeout lines cannot be produced offline; they are git's and
// GitHub's documented wording.
func TestClassify(t *testing.T) {
	const sshTail = "\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n"
	tests := []struct {
		name   string
		stderr string
		want   error
	}{
		{"empty", "", nil},
		{"unknown", "fatal: something new and strange\n", nil},
		{"no credentials, prompts disabled", "fatal: could not read Username for 'http://127.0.0.1:37259': terminal prompts disabled\n", ErrAuth},
		{"wrong credentials", "fatal: Authentication failed for 'http://127.0.0.1:37259/r.git/'\n", ErrAuth},
		{"forbidden", "fatal: unable to access 'http://127.0.0.1:37259/s403/r.git/': The requested URL returned error: 403\n", ErrAuth},
		{"push forbidden", "error: RPC failed; HTTP 403 curl 22 The requested URL returned error: 403\nfatal: the remote end hung up unexpectedly\n", ErrAuth},
		{"github wrong token", "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r.git/'\n", ErrAuth},
		{"ssh publickey", "git@github.com: Permission denied (publickey)." + sshTail, ErrAuth},
		{"http not found", "fatal: repository 'http://127.0.0.1:37259/missing.git/' not found\n", ErrRepoNotFound},
		{"github not found", "remote: Repository not found.\nfatal: repository 'https://github.com/o/nope.git/' not found\n", ErrRepoNotFound},
		{"local path missing", "fatal: repository '/tmp/definitely-missing' does not exist\n", ErrRepoNotFound},
		{"bad remote name", "fatal: 'nope' does not appear to be a git repository" + sshTail, ErrRepoNotFound},
		{"http 404 status", "fatal: unable to access 'http://h/r.git/': The requested URL returned error: 404\n", ErrRepoNotFound},
		{"resolve", "fatal: unable to access 'http://nonexistent.invalid/r.git/': Could not resolve host: nonexistent.invalid\n", ErrNetwork},
		{"refused", "fatal: unable to access 'http://127.0.0.1:38833/r.git/': Failed to connect to 127.0.0.1 port 38833 after 0 ms: Couldn't connect to server\n", ErrNetwork},
		{"ssh refused", "ssh: connect to host 127.0.0.1 port 1: Connection refused" + sshTail, ErrNetwork},
		{"500", "fatal: unable to access 'http://127.0.0.1:37259/s500/r.git/': The requested URL returned error: 500\n", ErrNetwork},
		{"502", "fatal: unable to access 'http://127.0.0.1:37259/s502/r.git/': The requested URL returned error: 502\n", ErrNetwork},
		{"429", "fatal: unable to access 'http://127.0.0.1:37259/s429/r.git/': The requested URL returned error: 429\n", ErrNetwork},
		{"dropped connection", "fatal: unable to access 'http://127.0.0.1:37259/drop/r.git/': Empty reply from server\n", ErrNetwork},
		{"truncated response", "fatal: unable to access 'http://127.0.0.1:37259/half/r.git/': transfer closed with 970 bytes remaining to read\n", ErrNetwork},
		{"stalled (seen, git 2.39.5 with http.lowSpeedTime=1)", "error: RPC failed; curl 28 Operation too slow. Less than 1000 bytes/sec transferred the last 1 seconds\nerror: 90 bytes of body are still expected\nfatal: early EOF\n", ErrStalled},
		{"disk full", "fatal: write error: No space left on device\nfatal: fetch-pack: invalid index-pack output\n", ErrDiskFull},
		{"ref lock (seen, two concurrent fetches)", "error: cannot lock ref 'refs/remotes/origin/main': is at 39da7027a95cd3c6ff21e11f185c7f83c619f00a but expected 973aeac130763dc1dce3ad87ed15feb26f9ec054\n", ErrLocked},
		{"index lock", "fatal: Unable to create '/tmp/r/.git/index.lock': File exists.\n\nAnother git process seems to be running in this repository\n", ErrLocked},
		{"rpc failed", "error: RPC failed; curl 18 transfer closed with outstanding read data remaining\nfatal: early EOF\nfatal: fetch-pack: invalid index-pack output\n", ErrNetwork},
		{"hung up", "fatal: the remote end hung up unexpectedly\n", ErrNetwork},
		{"timeout", "fatal: unable to access 'https://h/r.git/': Failed to connect to h port 443 after 130000 ms: Connection timed out\n", ErrNetwork},
		{"ff only", "fatal: Not possible to fast-forward, aborting.\n", ErrNotFastForward},
		{"pull divergent", "hint: You have divergent branches and need to specify how to reconcile them.\nfatal: Need to specify how to reconcile divergent branches.\n", ErrNotFastForward},
		{"push rejected", " ! [rejected]        main -> main (non-fast-forward)\n", ErrNotFastForward},
		{"tracked in the way", "error: Your local changes to the following files would be overwritten by merge:\n\tf\nPlease commit your changes or stash them before you merge.\nAborting\n", ErrLocalChanges},
		{"untracked in the way", "error: The following untracked working tree files would be overwritten by merge:\n\tf\nPlease move or remove them before you merge.\nAborting\n", ErrLocalChanges},
		{"rebase unstaged", "error: cannot rebase: You have unstaged changes.\nerror: Please commit or stash them.\n", ErrLocalChanges},
		{"rebase index", "error: cannot rebase: Your index contains uncommitted changes.\nerror: Please commit or stash them.\n", ErrLocalChanges},
		{"pull rebase unstaged", "error: cannot pull with rebase: You have unstaged changes.\nerror: please commit or stash them.\n", ErrLocalChanges},
		{"no upstream", "fatal: no upstream configured for branch 'feat'\n", ErrNoUpstream},
		{"pull no tracking", "There is no tracking information for the current branch.\nPlease specify which branch you want to merge with.\n", ErrNoUpstream},
		{"detached", "fatal: HEAD does not point to a branch\n", ErrNoUpstream},
		{"not a repository", "fatal: not a git repository (or any of the parent directories): .git\n", ErrNotRepository},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.stderr)
			if !errors.Is(got, tt.want) || (tt.want == nil) != (got == nil) {
				t.Errorf("Classify(%q) = %v, want %v", tt.stderr, got, tt.want)
			}
		})
	}
}
