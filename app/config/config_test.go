package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadExample(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "docs", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DefaultProvider != "work" || len(cfg.Providers) != 7 || cfg.Concurrency != 8 || cfg.Query != "acme/*" {
		t.Fatalf("example decoded as %+v", cfg)
	}
	if p, ok := cfg.Find("personal"); !ok || strings.Join(p.Owners, ",") != "octo,octo-labs" {
		t.Fatalf("personal's owners: %+v", p)
	}
	if p, ok := cfg.Find("GHE"); !ok || p.URL != "https://ghe.example.com" {
		t.Fatalf("Find(GHE) = %+v, %v", p, ok)
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err != nil || len(cfg.Providers) != 0 {
		t.Fatalf("Load(missing) = %+v, %v", cfg, err)
	}
}

// TestLoadErrors: every bad file fails with file:line, the field and a fix.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string // substrings of the error; the first is ":line: "
	}{
		{"unknown top key", "concurrency: 2\nlayuot: flat\n", []string{":2: ", `unknown key "layuot"`, "did you mean layout?"}},
		{"unknown provider key", "providers:\n  - name: w\n    type: github\n    orgs: x\n", []string{":4: ", "providers[0].orgs", "known keys here: name, type, url, user, org"}},
		{"token key", "providers:\n  - name: work\n    type: github\n    token: ghp_abc\n", []string{":4: ", "never holds a secret", "mgit login --name work", "MGIT_TOKEN_WORK"}},
		{"bad type", "providers:\n  - name: w\n    type: gihtub\n", []string{":3: ", `unknown provider type "gihtub"`, "github, azuredevops"}},
		{"missing type", "providers:\n  - name: w\n", []string{":2: ", "providers[0].type: missing"}},
		{"bad concurrency", "concurrency: -3\n", []string{":1: ", "concurrency: -3 is out of range", "use 1 to 256"}},
		{"concurrency type", "concurrency: lots\n", []string{":1: ", "cannot unmarshal", "config.example.yaml"}},
		{"bad layout", "\nlayout: tree\n", []string{":2: ", `unknown layout "tree"`, "host"}},
		{"http url", "providers:\n  - name: w\n    type: gitlab\n    url: http://gitlab.example.com\n", []string{":4: ", "clear text"}},
		{"url with credentials", "providers:\n  - name: w\n    type: gitlab\n    url: https://me:pw@gitlab.example.com\n", []string{":4: ", "credentials"}},
		{"gitea without url", "providers:\n  - name: w\n    type: gitea\n", []string{":2: ", "gitea needs the server URL"}},
		{"azure without org", "providers:\n  - name: w\n    type: azuredevops\n", []string{":2: ", "organisation"}},
		{"default unknown", "default_provider: nope\nproviders:\n  - name: w\n    type: github\n", []string{":1: ", `no provider is called "nope"`, "(w)"}},
		{"duplicate names", "providers:\n  - name: work-gh\n    type: github\n  - name: WORK_GH\n    type: gitlab\n", []string{":4: ", "clashes", "MGIT_TOKEN_WORK_GH"}},
		{"bad name", "providers:\n  - name: 'my work'\n    type: github\n", []string{":2: ", "not a valid name"}},
		{"relative workspace", "workspace: src\n", []string{":1: ", "relative"}},
		{"bad query", "workspace: ~/src\nquery: a//b\n", []string{":2: ", "query: ", "segment 2 is empty", "org/project/repo"}},
		{"query glob", "query: 'acme/[x'\n", []string{":1: ", "bad glob"}},
		{"syntax", "concurrency: 2\nlayout: host: flat\n", []string{":2: ", "YAML syntax"}},
		{"providers not list", "providers:\n  work: {}\n", []string{":2: ", "must be a list"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, tc.content)
			_, err := Load(p)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, p+tc.want[0]) {
				t.Errorf("error does not start with %q: %s", p+tc.want[0], msg)
			}
			for _, w := range tc.want[1:] {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q: %s", w, msg)
				}
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Fix == "" {
				t.Errorf("not a FieldError with a fix: %#v", err)
			}
		})
	}
}

func TestSaveRoundTripAndMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg", "mgit")
	p := filepath.Join(dir, "config.yaml")
	cfg := &Config{Concurrency: 4}
	cfg.Upsert(Provider{Name: "work", Type: "github", Org: "acme"})
	cfg.Upsert(Provider{Name: "lab", Type: "gitlab", URL: "https://gitlab.example.com"})
	cfg.Upsert(Provider{Name: "WORK", Type: "github", Org: "acme2"}) // replaces, same place
	cfg.DefaultProvider = "lab"
	if err := Save(p, cfg); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode())
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Providers) != 2 || got.Providers[0].Name != "WORK" || got.Providers[0].Org != "acme2" || got.DefaultProvider != "lab" {
		t.Fatalf("round trip: %+v", got)
	}
	if !got.Remove("lab") || got.DefaultProvider != "" || got.Remove("lab") {
		t.Fatalf("Remove: %+v", got)
	}
	// No temporaries left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("dir holds %v", entries)
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.yaml")
	err := Save(p, &Config{Providers: []Provider{{Name: "x", Type: "svn"}}})
	if err == nil {
		t.Fatal("saved an invalid config")
	}
	if _, serr := os.Stat(p); !os.IsNotExist(serr) {
		t.Fatal("file written despite the error")
	}
}

func TestPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"/f.yaml", map[string]string{EnvConfig: "/e.yaml"}, "/f.yaml"},
		{"", map[string]string{EnvConfig: "/e.yaml", "XDG_CONFIG_HOME": "/x"}, "/e.yaml"},
		{"", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/mgit/config.yaml"},
		{"", map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/h"}, "/h/.config/mgit/config.yaml"},
	}
	for _, tc := range cases {
		if got, err := Path(tc.flag, env(tc.env)); err != nil || got != tc.want {
			t.Errorf("Path(%q, %v) = %q, %v; want %q", tc.flag, tc.env, got, err, tc.want)
		}
	}
	if _, err := Path("", env(nil)); err == nil {
		t.Error("no HOME: want error")
	}
}

func TestWorkspaceDir(t *testing.T) {
	c := &Config{Workspace: "~/src"}
	if got := c.WorkspaceDir(func(string) string { return "/home/u" }); got != "/home/u/src" {
		t.Fatalf("WorkspaceDir = %q", got)
	}
}

func TestKeyBindings(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("keys:\n  pull: [P]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Keys["pull"]; len(got) != 1 || got[0] != "P" {
		t.Fatalf("keys = %v", cfg.Keys)
	}
	_, err = Parse("c.yaml", []byte("concurrency: 4\nkeys:\n  teleport: [t]\n"))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Line != 3 || !strings.Contains(err.Error(), "unknown action") {
		t.Fatalf("err = %v, want an unknown-action error at line 3", err)
	}
}

// TestRefreshInterval: the dashboard's periodic refresh is a duration of
// at least a second or "off"; anything else is refused at load, with the
// line and the fix.
func TestRefreshInterval(t *testing.T) {
	for content, want := range map[string]time.Duration{
		"":                        0,
		"refresh_interval: 45s\n": 45 * time.Second,
		"refresh_interval: off\n": -1,
	} {
		cfg, err := Parse("c.yaml", []byte(content))
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		if got := cfg.Refresh(); got != want {
			t.Errorf("%q: Refresh() = %v, want %v", content, got, want)
		}
	}
	for _, content := range []string{"refresh_interval: 10ms\n", "refresh_interval: soon\n", "refresh_interval: -5s\n"} {
		_, err := Parse("c.yaml", []byte(content))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "refresh_interval" || !strings.Contains(err.Error(), "off") {
			t.Errorf("%q: err = %v, want a refresh_interval error naming the fix", content, err)
		}
	}
}

// TestOwnersChecked: an owner is one path segment; a slash or a blank one
// is refused with the line and the fix.
func TestOwnersChecked(t *testing.T) {
	for _, bad := range []string{"[acme/x]", `[""]`, `["a b"]`} {
		p := write(t, "providers:\n  - name: w\n    type: github\n    owners: "+bad+"\n")
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), "owners") || !strings.Contains(err.Error(), p+":") {
			t.Errorf("owners %s: %v", bad, err)
		}
	}
}
