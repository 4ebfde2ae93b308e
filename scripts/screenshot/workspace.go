package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// gitRunner runs git with a fixed identity and no user configuration.
type gitRunner struct{ env []string }

func newGit(home string) gitRunner {
	return gitRunner{env: append(os.Environ(),
		"HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
	)}
}

func (g gitRunner) run(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = g.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s in %s: %w\n%s", strings.Join(args, " "), dir, err, out)
	}
	return nil
}

// script runs steps in dir, stopping at the first failure.
func (g gitRunner) script(dir string, steps ...[]string) error {
	for _, s := range steps {
		if s[0] == "write" {
			if err := os.WriteFile(filepath.Join(dir, s[1]), []byte(s[2]), 0o644); err != nil {
				return err
			}
			continue
		}
		if err := g.run(dir, s...); err != nil {
			return err
		}
	}
	return nil
}

// commit is the steps of one commit changing file.
func commit(file, content, msg string) [][]string {
	return [][]string{{"write", file, content}, {"add", file}, {"commit", "-q", "-m", msg}}
}

func join(parts ...[][]string) [][]string {
	var all [][]string
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// repoState is one repository of the picture: its name and what is done
// to its clone (before) and to its upstream after cloning (upstream).
type repoState struct {
	name     string
	local    [][]string // in the clone
	upstream [][]string // in a second clone, pushed
}

func states() []repoState {
	n := func(i int) [][]string {
		return commit("CHANGES.md", fmt.Sprintf("change %d\n", i), fmt.Sprintf("Release notes, part %d", i))
	}
	return []repoState{
		{name: "api-gateway"},
		{name: "auth-service", local: [][]string{{"write", "main.go", "package main // edited\n"}, {"write", "notes.txt", "todo\n"}}},
		{name: "billing", local: join(commit("invoice.go", "package billing\n", "Round invoice totals half-even"), commit("tax.go", "package billing\n", "Add VAT for Norway"))},
		{name: "catalog", upstream: join(n(1), n(2), n(3))},
		{name: "checkout-web", local: commit("cart.ts", "export {}\n", "Keep the cart across logins"), upstream: join(n(1), n(2))},
		{name: "design-system", local: join(commit("button.css", ".b{}\n", "Darker focus ring"), [][]string{{"write", "README.md", "# tokens\n"}})},
		{name: "docs"},
		{name: "infra-terraform", local: [][]string{{"write", "main.tf", "# staged\n"}, {"add", "main.tf"}}},
		{name: "inventory", local: [][]string{{"switch", "-q", "-c", "spike/reservations"}}},
		{name: "mobile-app", local: [][]string{{"checkout", "-q", "--detach", "HEAD"}}},
		{name: "notifications", local: [][]string{{"write", "main.go", "package main // wip\n"}, {"stash", "-q"}}},
		{name: "orders"},
		{name: "search", upstream: n(1)},
		{name: "shipping"},
		{name: "user-profile", local: [][]string{{"write", "main.go", "package main // 1\n"}, {"write", "a.go", "package main\n"}, {"add", "a.go"}}},
		{name: "warehouse"},
	}
}

// subjects are the last commits of the upstreams, picked by name.
var subjects = []string{
	"Bump golang.org/x/net to v0.60.0",
	"Retry webhooks with backoff",
	"Fix off-by-one in pagination",
	"Add OpenTelemetry spans to the HTTP client",
	"Document the release process",
	"Drop support for Go 1.24",
	"Cache feature flags for 30s",
	"Use structured logging everywhere",
	"Speed up CI by caching modules",
}

// notCloned are repositories only the provider lists.
var notCloned = []string{"analytics", "data-pipeline", "legacy-crm", "ml-models"}

// buildWorkspace makes bare upstreams under base/remotes and clones them
// under root/<host>/acme, in the states of states().
func buildWorkspace(g gitRunner, base, root, host string) error {
	for _, st := range states() {
		bare := filepath.Join(base, "remotes", st.name+".git")
		seed := filepath.Join(base, "seed", st.name)
		dest := filepath.Join(root, host, "acme", st.name)
		for _, d := range []string{seed, filepath.Dir(dest)} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		if err := g.run(base, "init", "-q", "--bare", "-b", "main", bare); err != nil {
			return err
		}
		if err := g.script(seed, join([][]string{{"init", "-q", "-b", "main"}},
			commit("main.go", "package main\n", "Initial commit"),
			commit("README.md", "# "+st.name+"\n", subjects[len(st.name)%len(subjects)]),
			[][]string{{"remote", "add", "origin", bare}, {"push", "-q", "-u", "origin", "main"}})...); err != nil {
			return err
		}
		if err := g.run(base, "clone", "-q", bare, dest); err != nil {
			return err
		}
		if err := g.script(dest, st.local...); err != nil {
			return err
		}
		if len(st.upstream) > 0 {
			if err := g.script(seed, append(st.upstream, []string{"push", "-q", "origin", "main"})...); err != nil {
				return err
			}
			// Fetched, so that the clone knows it is behind.
			if err := g.run(dest, "fetch", "-q"); err != nil {
				return err
			}
		}
	}
	return nil
}
