package git

import (
	"regexp"
	"strings"
	"sync"
)

// classRule maps a fragment of git's stderr to a sentinel error. Fragments
// are matched case-insensitively against messages printed with LC_ALL=C;
// each one was seen from git 2.39 (see classify_test.go for the real lines).
type classRule struct {
	kind  error
	plain []string // lower-case substrings
	re    []string // patterns for messages with variable parts (compiledRules)
}

// classRules is ordered: the first matching rule wins. Authentication comes
// first because git follows an auth failure with generic lines such as
// "Could not read from remote repository" or "RPC failed; HTTP 403";
// not-found before network for the same reason ("RPC failed; HTTP 404").
var classRules = []classRule{
	{
		kind: ErrAuth,
		plain: []string{
			"authentication failed",
			"could not read username",
			"could not read password",
			"terminal prompts disabled",
			"permission denied (publickey",
			"invalid credentials",
			"invalid username or password",
		},
		re: []string{
			`(?i)returned error: 40[13]\b`,
			`(?i)\bhttp 40[13]\b`,
		},
	},
	{
		kind: ErrRepoNotFound,
		plain: []string{
			"repository not found",
			"does not appear to be a git repository",
		},
		re: []string{
			`(?i)repository '[^']*' (not found|does not exist)`,
			`(?i)returned error: 404\b`,
			`(?i)\bhttp 404\b`,
		},
	},
	{
		// curl's low-speed limit (http.lowSpeedLimit/Time), before
		// network: git wraps it in "RPC failed; curl 28".
		kind: ErrStalled,
		plain: []string{
			"operation too slow",
		},
	},
	{
		kind: ErrDiskFull,
		plain: []string{
			"no space left on device",
			"disk quota exceeded",
		},
	},
	{
		kind: ErrLocked,
		plain: []string{
			"cannot lock ref",
			".lock': file exists",
			"another git process seems to be running",
			"could not lock config file",
		},
	},
	{
		kind: ErrNetwork,
		plain: []string{
			"could not resolve host",
			"could not resolve hostname",
			"connection refused",
			"connection reset",
			"couldn't connect to server",
			"failed to connect to",
			"timed out",
			"rpc failed",
			"early eof",
			"unexpected disconnect",
			"remote end hung up",
			"empty reply from server",
			"transfer closed with",
			"network is unreachable",
		},
		re: []string{
			`(?i)returned error: (5\d\d|429)\b`,
			`(?i)\bhttp (5\d\d|429)\b`,
		},
	},
	{
		kind: ErrNotFastForward,
		plain: []string{
			"not possible to fast-forward",
			"not fast-forward",
			"non-fast-forward",
			"divergent branches",
			"diverging",
		},
	},
	{
		kind: ErrLocalChanges,
		plain: []string{
			"would be overwritten",
			"you need to resolve your current index first",
			"cannot switch branch while",
			"please commit your changes or stash them",
			"cannot rebase: you have unstaged changes",
			"cannot rebase: your index contains uncommitted changes",
			"cannot pull with rebase: you have unstaged changes",
			"cannot pull with rebase: your index contains uncommitted changes",
		},
	},
	{
		kind: ErrBranchInUse,
		plain: []string{
			"is already checked out at",
			"is already used by worktree at",
		},
	},
	{
		kind: ErrNoUpstream,
		plain: []string{
			"no upstream configured",
			"no upstream branch",
			"no tracking information",
			"head does not point to a branch",
			"you are not currently on a branch",
		},
	},
	{
		kind: ErrNotRepository,
		plain: []string{
			"not a git repository",
		},
	},
}

// compiledRules holds each rule's patterns compiled, on the first Classify
// rather than in package init: init runs before every command, and most
// runs never classify a failure.
var compiledRules = sync.OnceValue(func() [][]*regexp.Regexp {
	out := make([][]*regexp.Regexp, len(classRules))
	for i, r := range classRules {
		for _, p := range r.re {
			out[i] = append(out[i], regexp.MustCompile(p))
		}
	}
	return out
})

// Classify maps git's stderr to one of the sentinel errors, or nil when the
// message is not recognised. It expects messages in the C locale.
func Classify(stderr string) error {
	if stderr == "" {
		return nil
	}
	lower := strings.ToLower(stderr)
	compiled := compiledRules()
	for i, r := range classRules {
		for _, p := range r.plain {
			if strings.Contains(lower, p) {
				return r.kind
			}
		}
		for _, re := range compiled[i] {
			if re.MatchString(stderr) {
				return r.kind
			}
		}
	}
	return nil
}
