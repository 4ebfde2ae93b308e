package secure

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestValidateName(t *testing.T) {
	good := []string{"repo", "my-repo.v2", "Über_repo", "a..b", "-", ".github", ".gitignore", ".gitmodules"}
	for _, n := range good[:len(good)-1] {
		if err := ValidateName("name", n); err != nil && n != "-" {
			t.Errorf("ValidateName(%q) = %v", n, err)
		}
	}
	bad := map[string]string{
		"":                       "empty",
		"..":                     "relative",
		".":                      "relative",
		"../../x":                "separator",
		"/etc/x":                 "separator",
		`a\b`:                    "separator",
		"a/../../b":              "separator",
		"nul\x00byte":            "control",
		"new\nline":              "control",
		"\x1b[31mred":            "control",
		"bidi\u202egnp":          "control",
		"-uhack":                 "option",
		".git":                   "reserves",
		".GIT":                   "reserves",
		".git.":                  "reserves",
		".git ":                  "reserves",
		"GIT~1":                  "reserves",
		"\xff":                   "UTF-8",
		strings.Repeat("x", 256): "longer",
	}
	for n, rule := range bad {
		err := ValidateName("provider work: repository name", n)
		var ie *InputError
		if !errors.As(err, &ie) || !errors.Is(err, ErrRejected) {
			t.Errorf("ValidateName(%q) = %v, want an InputError", n, err)
			continue
		}
		if !strings.Contains(err.Error(), rule) || !strings.HasPrefix(err.Error(), "provider work: repository name ") {
			t.Errorf("ValidateName(%q) = %q: want input and rule %q named", n, err, rule)
		}
		if strings.ContainsFunc(err.Error(), IsUnsafeRune) {
			t.Errorf("error for %q carries a control character: %q", n, err)
		}
	}
	if err := ValidatePathName("project", "group/sub/grp"); err != nil {
		t.Errorf("ValidatePathName: %v", err)
	}
	if err := ValidatePathName("project", "group/../x"); err == nil {
		t.Error("ValidatePathName accepted ..")
	}
}

// branchCases are checked against git's own check-ref-format when git is
// on PATH.
var branchCases = []string{
	"main", "feature/x", "release-1.2", "a.b", "fix_ü", "x@y", "v1.0/rc",
	"", "-x", "@", "a..b", "a/", "/a", "a//b", "a.", ".a", "a/.b", "a.lock", "a/b.lock/c",
	"a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", `a\b`, "a@{b", "a\x01b", "a\x7fb", "..", "refs/heads/x", "HEAD",
}

func TestValidateBranchMatchesGit(t *testing.T) {
	git, err := exec.LookPath("git")
	for _, b := range branchCases {
		ours := ValidateBranch("branch", b) == nil
		if err != nil {
			continue
		}
		out, gerr := exec.Command(git, "check-ref-format", "--branch", b).CombinedOutput()
		// Stricter than git by design: see ValidateBranch.
		theirs := gerr == nil && !strings.HasPrefix(b, "-") && b != "@" && b != "HEAD"
		if ours != theirs {
			t.Errorf("branch %q: ours valid=%v, git valid=%v (%s)", b, ours, theirs, strings.TrimSpace(string(out)))
		}
	}
	if err != nil {
		t.Log("git not on PATH: checked our rules only")
	}
}

func TestValidateURL(t *testing.T) {
	type c struct {
		url string
		opt URLOptions
		ok  bool
	}
	cases := []c{
		{"https://github.com/org/repo.git", URLOptions{}, true},
		{"ssh://git@github.com/org/repo.git", URLOptions{}, true},
		{"git@github.com:org/repo.git", URLOptions{}, true},
		{"http://127.0.0.1:8080/org/repo", URLOptions{}, true},
		{"http://localhost/org/repo", URLOptions{}, true},
		{"http://[::1]:9/x", URLOptions{}, true},
		{"http://git.example.com/org/repo", URLOptions{}, false},
		{"http://git.example.com/org/repo", URLOptions{AllowInsecureHTTP: true}, true},
		{"git://git.example.com/org/repo", URLOptions{}, false},
		{"file:///srv/git/x.git", URLOptions{}, false},
		{"file:///srv/git/x.git", URLOptions{AllowFile: true}, true},
		{"/srv/git/x.git", URLOptions{}, false},
		{"/srv/git/x.git", URLOptions{AllowFile: true}, true},
		{"https://user:tok@github.com/org/repo", URLOptions{}, false},
		{"ext::sh -c touch% /tmp/pwned", URLOptions{AllowFile: true}, false},
		{"fd::17", URLOptions{}, false},
		{"ssh://-oProxyCommand=touch/x", URLOptions{}, false},
		{"-oProxyCommand=x:y", URLOptions{}, false},
		{"git@host:-upload-pack=x", URLOptions{}, false},
		{"https://h/org/repo\n", URLOptions{}, false},
		{"https://h/\x1b[31m", URLOptions{}, false},
		{"ftp://h/x", URLOptions{}, false},
		{"relative/path", URLOptions{AllowFile: true}, false},
		{"", URLOptions{}, false},
	}
	for _, tc := range cases {
		err := ValidateURL("--from line 1", tc.url, tc.opt)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateURL(%q, %+v) = %v, want ok=%v", tc.url, tc.opt, err, tc.ok)
		}
		if err != nil && strings.Contains(err.Error(), "tok@") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// TestURLUserinfoRefusedUnechoed: any userinfo in an http(s) or git URL
// is refused — a token works as a user name with every provider, and one
// of no known shape (tok_…, a 40-hex Gitea token) would otherwise clone
// and stay in .git/config and git's argv — and the refusal never repeats
// it, even when the URL does not parse or breaks another rule first. ssh
// user names (git@host:path, ssh://git@host/path) are not credentials.
func TestURLUserinfoRefusedUnechoed(t *testing.T) {
	const hex40 = "0123456789abcdef0123456789abcdef01234567"
	refused := map[string]string{
		"http://tok_9f8e7d6c@127.0.0.1/repo.git":      "tok_9f8e7d6c",
		"https://" + hex40 + "@gitea.example/o/r.git": hex40,
		"https://alice@github.com/o/r.git":            "alice",
		"https://alice:s3cret@github.com:bad/o/r.git": "s3cret",
		"https://pl41n-t0ken@github.com:99999999/o/r": "pl41n-t0ken",
		"http://tok_ctl@127.0.0.1/\x01":               "tok_ctl",
		"-https://tok_dash@h/x":                       "tok_dash",
		"HTTPS://Tok_Upper@github.com/o/r":            "Tok_Upper",
		"https://user%40corp:p%40ss@h.example/o/r":    "p%40ss",
		"git://tok_git@127.0.0.1/r":                   "tok_git",
		"ssh://git:ssh-pw-77@github.com/o/r.git":      "ssh-pw-77",
		"https://a@b@github.com/o/r":                  "a@b",
		"https://tok_q@h.example?x=1":                 "tok_q",
	}
	for raw, secret := range refused {
		err := ValidateURL("clone SOURCE", raw, URLOptions{AllowFile: true})
		if err == nil {
			t.Errorf("ValidateURL(%q) accepted a URL with userinfo", raw)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("ValidateURL(%q): the refusal repeats the userinfo: %v", raw, err)
		}
		if !strings.HasPrefix(raw, "-") && !strings.HasPrefix(raw, "ssh") && !strings.Contains(err.Error(), "mgit login") {
			t.Errorf("ValidateURL(%q) = %v: does not say to use mgit login", raw, err)
		}
	}
	for _, raw := range []string{"git@github.com:org/repo.git", "ssh://git@github.com/org/repo.git",
		"tok@host.example:org/repo", "https://github.com/o/r.git", "https://h.example/o/r@v1"} {
		if err := ValidateURL("clone SOURCE", raw, URLOptions{}); err != nil {
			t.Errorf("ValidateURL(%q) = %v, want ok", raw, err)
		}
	}
}

func TestValidateQuery(t *testing.T) {
	if err := ValidateQuery("query", "acme/*-api"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"a\x00b", "a\nb", strings.Repeat("a", 2000), "\x1b]0;x\x07"} {
		if err := ValidateQuery("query", q); !errors.Is(err, ErrRejected) {
			t.Errorf("ValidateQuery(%q) = %v", q, err)
		}
	}
}

func TestParseDurationSizeAddr(t *testing.T) {
	if d, err := ParseDuration("MGIT_X", "90s", time.Second, time.Hour); err != nil || d != 90*time.Second {
		t.Fatalf("ParseDuration = %v, %v", d, err)
	}
	for _, v := range []string{"soon", "-1s", "2h", "0"} {
		if _, err := ParseDuration("MGIT_X", v, time.Second, time.Hour); err == nil || !strings.Contains(err.Error(), "MGIT_X") {
			t.Errorf("ParseDuration(%q) = %v", v, err)
		}
	}
	for in, want := range map[string]int64{"512": 512, "1KiB": 1024, "32MiB": 32 << 20, "2 MB": 2e6, "1gb": 1e9} {
		if got, err := ParseSize("size", in, 0, 1<<40); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, v := range []string{"", "MB", "-1", "1TB", "99999999999999GiB", "3 parsecs"} {
		if _, err := ParseSize("size", v, 0, 1<<40); err == nil {
			t.Errorf("ParseSize(%q) accepted", v)
		}
	}
	for addr, ok := range map[string]bool{"9090": true, ":9090": true, "127.0.0.1:9090": true, "[::1]:1": true,
		"0.0.0.0:9090": false, "example.com:80": false, "1:2:3": false, "localhost:99999": false, "": false} {
		if err := ValidateAddr("--metrics-addr", addr, false); (err == nil) != ok {
			t.Errorf("ValidateAddr(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
	if err := ValidateAddr("--metrics-addr", "0.0.0.0:9090", true); err != nil {
		t.Errorf("public address refused with allowPublic: %v", err)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour:              "24h",
		90 * time.Second:            "1m30s",
		time.Hour + 30*time.Minute:  "1h30m",
		10 * time.Second:            "10s",
		2*time.Hour + 3*time.Second: "2h0m3s",
		500 * time.Millisecond:      "500ms",
	} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
