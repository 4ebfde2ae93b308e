package app

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/engine/git"
	gitcli "github.com/mgit-dev/mgit/engine/git/cli"
)

// gitEnvProbe decides whether git's configuration and environment leave a
// clone as go-git makes it. git clone reads the user's configuration and
// environment; go-git reads only what a checkout writes (core.autocrlf,
// core.eol, core.symlinks, core.filemode, attribute files; gogit refuses
// filters and included config). A setting that changes what git fetches,
// from where, how, or what it leaves in the clone sends the clone to git.
type gitEnvProbe struct {
	// secret names the variables git never sees (the CLI backend's
	// SecretEnv); the listing runs in the same environment.
	secret func(string) bool
	// list and environ replace `git config --list` and os.Environ in
	// tests; nil in production.
	list    func(ctx context.Context) ([]configEntry, error)
	environ func() []string

	once    sync.Once
	env     []string
	entries []configEntry
	ok      bool // the listing worked
}

// configEntry is one line of `git config --list`: the key as git prints
// it (section and name lower case, a subsection as written) and its value.
type configEntry struct{ key, value string }

// allows reports whether go-git may clone rawURL with auth. The
// environment is read and git's configuration listed once per process: a
// failure (or a cancelled first clone) keeps every clone with git.
func (p *gitEnvProbe) allows(ctx context.Context, rawURL string, auth git.Credentials) bool {
	p.once.Do(func() {
		environ := p.environ
		if environ == nil {
			environ = os.Environ
		}
		p.env = environ()
		list := p.list
		if list == nil {
			list = p.gitConfig
		}
		entries, err := list(ctx)
		p.entries, p.ok = entries, err == nil
	})
	https := strings.HasPrefix(strings.ToLower(rawURL), "https://")
	return p.ok && !envChangesClone(p.env, https) && configAllows(p.entries, rawURL, auth)
}

// gitConfig lists the system, global and command-line configuration git
// clone reads (includes followed), and no repository's: GIT_DIR names a
// directory that does not exist.
func (p *gitEnvProbe) gitConfig(ctx context.Context) ([]configEntry, error) {
	cmd := exec.CommandContext(ctx, "git", "config", "--list", "--includes", "-z")
	noRepo := filepath.Join(os.TempDir(), "mgit-no-repository-"+strconv.Itoa(os.Getpid()))
	cmd.Env = append(gitcli.ChildEnv(p.env, p.secret), "GIT_DIR="+noRepo)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	return parseConfigList(out), nil
}

// parseConfigList reads `git config --list -z`: key, newline, value, NUL
// (a key alone when it has no value).
func parseConfigList(out []byte) []configEntry {
	var es []configEntry
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		k, v, _ := strings.Cut(string(rec), "\n")
		es = append(es, configEntry{key: k, value: v})
	}
	return es
}

// envChangesClone reports a variable that changes how git clones
// (proxies, curl, allowed protocols, TLS for an https URL) or what it puts
// in a new repository (its template). Go's proxy rules differ from curl's,
// so any proxy variable sends clones to git. A CA bundle git is told of
// (GIT_SSL_CAINFO) is one Go trusts too when SSL_CERT_FILE names the same
// file.
func envChangesClone(environ []string, https bool) bool {
	vars := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		vars[strings.ToUpper(k)] = v
	}
	for u, v := range vars {
		switch {
		case u == "GIT_TEMPLATE_DIR", u == "GIT_ALLOW_PROTOCOL", u == "GIT_PROTOCOL_FROM_USER",
			u == "GIT_SMART_HTTP", strings.HasSuffix(u, "_PROXY") && u != "NO_PROXY",
			strings.HasPrefix(u, "GIT_HTTP_"), strings.HasPrefix(u, "GIT_CURL_"), strings.HasPrefix(u, "GIT_PROXY_"):
			return true
		case u == "GIT_SSL_CAINFO":
			if https && v != vars["SSL_CERT_FILE"] {
				return true
			}
		case strings.HasPrefix(u, "GIT_SSL_"):
			if https {
				return true
			}
		}
	}
	return false
}

// configAllows reports whether no entry changes git's clone of rawURL
// (with auth) from go-git's: a URL rewrite matching it, http.* settings
// for its host (or all hosts), a credential helper when mgit has no
// credentials for it, a template directory or hooks path (git runs
// post-checkout), clone.*, remote.*, fetch.*, transfer.* (fsckObjects),
// protocol.*, submodule.*, conditional includes (not evaluated here), and
// branch.autoSetupRebase (written into the clone's config).
func configAllows(entries []configEntry, rawURL string, auth git.Credentials) bool {
	haveCreds := !auth.IsZero() && auth.ForURL(rawURL)
	for _, e := range entries {
		section, sub, name := splitKey(e.key)
		switch section {
		case "clone", "remote", "fetch", "transfer", "protocol", "submodule", "includeif":
			return false
		case "url":
			if name == "insteadof" && strings.HasPrefix(strings.ToLower(rawURL), strings.ToLower(e.value)) {
				return false
			}
		case "http":
			if sub == "" && !harmlessHTTP(name, rawURL) || sub != "" && urlScopeMatches(sub, rawURL) {
				return false
			}
		case "credential":
			if !haveCreds && (sub == "" || urlScopeMatches(sub, rawURL)) {
				return false
			}
		case "init":
			if name == "templatedir" {
				return false
			}
		case "branch":
			if sub == "" && name == "autosetuprebase" {
				return false
			}
		case "core":
			if blockingCore(name) {
				return false
			}
		}
	}
	return true
}

// blockingCore reports core.* settings go-git's checkout does not follow.
func blockingCore(name string) bool {
	switch name {
	case "hookspath", "ignorecase", "precomposeunicode", "sparsecheckout", "sparsecheckoutcone",
		"protectntfs", "protecthfs", "sharedrepository", "worktree":
		return true
	}
	return false
}

// harmlessHTTP reports http.* settings that change nothing a clone of
// rawURL fetches, or from where: curl's tuning, and TLS settings for a
// plain http URL.
func harmlessHTTP(name, rawURL string) bool {
	switch name {
	case "postbuffer", "maxrequests", "minsessions", "lowspeedlimit", "lowspeedtime":
		return true
	}
	return strings.HasPrefix(name, "ssl") && strings.HasPrefix(strings.ToLower(rawURL), "http://")
}

// splitKey splits section.subsection.name; the subsection may hold dots.
func splitKey(key string) (section, sub, name string) {
	first, last := strings.IndexByte(key, '.'), strings.LastIndexByte(key, '.')
	if first < 0 {
		return strings.ToLower(key), "", ""
	}
	section, name = strings.ToLower(key[:first]), strings.ToLower(key[last+1:])
	if last > first {
		sub = key[first+1 : last]
	}
	return section, sub, name
}

// urlScopeMatches reports whether a config URL scope (http.<url>.*,
// credential.<url>.*) may apply to rawURL: unless both name a host and
// the hosts differ. Wildcards and anything unparsed count as a match.
func urlScopeMatches(scope, rawURL string) bool {
	s, err := url.Parse(scope)
	if err != nil || s.Host == "" || strings.Contains(s.Host, "*") {
		return true
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return true
	}
	return strings.EqualFold(s.Hostname(), u.Hostname())
}
