package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/mgit-dev/mgit/engine/atomicfile"
	"github.com/mgit-dev/mgit/engine/redact"
)

// Path is the configuration file: flag (--config) when set, else
// $MGIT_CONFIG, else $XDG_CONFIG_HOME/mgit/config.yaml, else
// ~/.config/mgit/config.yaml.
func Path(flag string, getenv func(string) string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := getenv(EnvConfig); p != "" {
		return p, nil
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mgit", "config.yaml"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "mgit", "config.yaml"), nil
	}
	return "", errors.New("config file: none of --config, " + EnvConfig + ", XDG_CONFIG_HOME or HOME is set")
}

// Keys a mapping may hold, for the unknown-key check.
var (
	topKeys      = []string{"default_provider", "workspace", "query", "concurrency", "layout", "providers", "keys", "refresh_interval"}
	providerKeys = []string{"name", "type", "url", "user", "org", "credential_helper", "owners"}
)

// Load reads and validates the file at path. A missing file is an empty
// configuration (nothing configured yet), not an error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse validates data as the content of the file called name.
func Parse(name string, data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, err)
	}
	at := lines{}
	if len(doc.Content) > 0 {
		if err := walk(name, doc.Content[0], at); err != nil {
			return nil, err
		}
	}
	// The walk already refused unknown keys with a better message;
	// KnownFields stays on as the backstop for the typed decode.
	cfg := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, err)
	}
	if err := cfg.validate(name, at); err != nil {
		return nil, err
	}
	return cfg, nil
}

// lineRE finds yaml.v3's "line N:" prefixes.
// Compiled on first use, not in package init: init runs before every command, and most never need it.
var lineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+): `) })

// yamlError turns yaml.v3's "yaml: line 3: ..." into "file:3: ...".
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	m := msgs[0]
	line := 0
	if sm := lineRE().FindStringSubmatch(m); sm != nil {
		line, _ = strconv.Atoi(sm[1])
		m = strings.Replace(m, sm[0], "", 1)
	}
	fix := "fix the YAML syntax"
	if strings.Contains(m, "cannot unmarshal") {
		fix = "see docs/config.example.yaml for the expected form of each value"
	}
	return &FieldError{File: name, Line: line, Msg: m, Fix: fix}
}

// walk checks the keys of the document and records the line of every
// value, so value errors can say where they are.
func walk(name string, root *yaml.Node, at lines) error {
	if root.Kind != yaml.MappingNode {
		return &FieldError{File: name, Line: root.Line, Msg: "the file must be a mapping of keys to values",
			Fix: "start from docs/config.example.yaml"}
	}
	err := eachKey(name, root, "", topKeys, at, func(key string, v *yaml.Node) error {
		if key != "providers" {
			return nil
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return nil
		}
		if v.Kind != yaml.SequenceNode {
			return &FieldError{File: name, Line: v.Line, Field: "providers", Msg: "must be a list",
				Fix: "write each provider as a list item starting with '- name: ...'"}
		}
		for i, p := range v.Content {
			prefix := fmt.Sprintf("providers[%d]", i)
			at[prefix] = p.Line
			if p.Kind != yaml.MappingNode {
				return &FieldError{File: name, Line: p.Line, Field: prefix, Msg: "must be a mapping",
					Fix: "give name, type and optionally url, user, org, credential_helper, owners"}
			}
			if err := eachKey(name, p, prefix, providerKeys, at, nil); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// eachKey checks every key of mapping m against known, records lines and
// calls fn for each known key.
func eachKey(name string, m *yaml.Node, prefix string, known []string, at lines, fn func(string, *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		field := k.Value
		if prefix != "" {
			field = prefix + "." + k.Value
		}
		// A key that names a credential (redact.Param, the one list) is
		// refused outright: the file never holds a secret.
		if !contains(known, k.Value) && redact.Param(k.Value) {
			who, env := "NAME", "MGIT_TOKEN_<NAME>"
			if prefix != "" {
				who = providerName(m)
				env = "MGIT_TOKEN_" + envKey(who)
			}
			return &FieldError{File: name, Line: k.Line, Field: field,
				Msg: "the configuration file never holds a secret",
				Fix: "remove this line and run: mgit login --name " + who + " (the token goes to the keyring), or set " + env}
		}
		if !contains(known, k.Value) {
			fix := "known keys here: " + strings.Join(known, ", ")
			if s := closest(k.Value, known); s != "" {
				fix = "did you mean " + s + "? " + fix
			}
			return &FieldError{File: name, Line: k.Line, Field: field, Msg: fmt.Sprintf("unknown key %q", k.Value), Fix: fix}
		}
		if seen[k.Value] {
			return &FieldError{File: name, Line: k.Line, Field: field, Msg: "duplicate key", Fix: "keep one of them"}
		}
		seen[k.Value] = true
		at[field] = v.Line
		if fn != nil {
			if err := fn(k.Value, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func providerName(m *yaml.Node) string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "name" && m.Content[i+1].Value != "" {
			return m.Content[i+1].Value
		}
	}
	return "NAME"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest is the known key within edit distance 2 of s, if any.
func closest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

const header = `# mgit configuration (written by mgit; comments are not kept).
# Tokens are never stored here: see 'mgit login'. Schema: docs/config.schema.json
`

// Save validates cfg and writes it to path atomically: 0600, replacing the
// old file only once the new one is complete. Missing directories are
// created 0700; an existing one is left as it is (it may be shared, e.g.
// with --config /etc/mgit.yaml).
func Save(path string, cfg *Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	body, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if strings.TrimSpace(string(body)) == "{}" {
		body = nil
	}
	data := append([]byte(header), body...)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// WorkspaceDir is Workspace with "~" expanded, or "" when unset.
func (c *Config) WorkspaceDir(getenv func(string) string) string {
	w := c.Workspace
	if w == "~" || strings.HasPrefix(w, "~/") {
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, strings.TrimPrefix(w, "~"))
		}
	}
	return w
}
