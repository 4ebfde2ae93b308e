package gitobj

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is git's configuration as one git process in one repository sees
// it: every file it reads, in the order it reads them, so the last value of
// a key wins and multi-valued keys keep their order (see LoadConfig).
//
// Names are stored the way git's parser builds them ("section.sub.key",
// section and key lower-cased, the subsection as written), and looked up
// the way git_config_get_* normalises a requested key, so two spellings git
// treats as one key are one key here and two it tells apart stay apart.
type Config struct {
	entries []configEntry
	// byName indexes entries by name; built on the first lookup after a
	// change (a status asks a few dozen keys of a few hundred entries).
	byName map[string][]int
}

type configEntry struct {
	name, value string
	// bare is a key without "=": boolean true, and no string value.
	bare bool
}

// ParseConfig parses one configuration file with git's syntax, as git
// reads a file it does not follow includes in (.gitmodules): include
// directives are entries like any other. Anything git's parser would
// reject is an error wrapping ErrNeedGit. ReadConfigFile and LoadConfig
// follow includes.
func ParseConfig(b []byte) (*Config, error) {
	p := configParser{b: bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))}
	c := &Config{}
	if err := p.parse(c); err != nil {
		return nil, fmt.Errorf("parse config: line %d: %w", p.line, err)
	}
	return c, nil
}

// Get returns the value git uses for a single-valued key ("remote.origin.url"):
// the last one. A bare key ("[core] bare") has the empty string as value.
func (c *Config) Get(key string) (string, bool) {
	e := c.last(key)
	if e == nil {
		return "", false
	}
	return e.value, true
}

// GetAll returns every value of key in the order git reads them.
func (c *Config) GetAll(key string) []string {
	var out []string
	for _, i := range c.lookup(key) {
		out = append(out, c.entries[i].value)
	}
	return out
}

// Bool reads key as git config --type=bool does. An unset key is (def,
// nil). A value git would reject ("fatal: bad boolean config value") is an
// error wrapping ErrNeedGit.
func (c *Config) Bool(key string, def bool) (bool, error) {
	e := c.last(key)
	if e == nil {
		return def, nil
	}
	if e.bare {
		return true, nil
	}
	v, ok := ParseBool(e.value)
	if !ok {
		return false, fmt.Errorf("config %s: bad boolean %q: %w", key, e.value, ErrNeedGit)
	}
	return v, nil
}

// Int reads key as git config --type=int does (suffixes k, m, g). An unset
// key is (def, nil); a value git would reject is an error wrapping
// ErrNeedGit.
func (c *Config) Int(key string, def int64) (int64, error) {
	e := c.last(key)
	if e == nil {
		return def, nil
	}
	v, ok := ParseInt(e.value)
	if e.bare || !ok {
		return 0, fmt.Errorf("config %s: bad number %q: %w", key, e.value, ErrNeedGit)
	}
	return v, nil
}

// HasSection reports whether any key of section (any of its subsections
// included) is set.
func (c *Config) HasSection(section string) bool {
	prefix := strings.ToLower(section) + "."
	for _, e := range c.entries {
		if strings.HasPrefix(e.name, prefix) {
			return true
		}
	}
	return false
}

// Names returns every key name that is set, once each, in first-seen order,
// as git config --list spells them.
func (c *Config) Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range c.entries {
		if !seen[e.name] {
			seen[e.name] = true
			out = append(out, e.name)
		}
	}
	return out
}

// BareNames returns the names set at least once without "=" (a bare
// boolean), once each, in first-seen order. git rejects such an entry for
// any key it reads as a string ("missing value for …", fatal to the
// command), whatever later entries say.
func (c *Config) BareNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range c.entries {
		if e.bare && !seen[e.name] {
			seen[e.name] = true
			out = append(out, e.name)
		}
	}
	return out
}

func (c *Config) last(key string) *configEntry {
	idx := c.lookup(key)
	if len(idx) == 0 {
		return nil
	}
	return &c.entries[idx[len(idx)-1]]
}

func (c *Config) add(o *Config) {
	c.entries = append(c.entries, o.entries...)
	c.byName = nil
}

func (c *Config) push(e configEntry) {
	c.entries = append(c.entries, e)
	c.byName = nil
}

// lookup returns the indexes of the entries named key, in order.
func (c *Config) lookup(key string) []int {
	if c.byName == nil {
		c.byName = make(map[string][]int, len(c.entries))
		for i, e := range c.entries {
			c.byName[e.name] = append(c.byName[e.name], i)
		}
	}
	return c.byName[normaliseKey(key)]
}

// normaliseKey is git_config_parse_key: section and key lower-cased, the
// subsection between the first and the last dot kept as written.
func normaliseKey(key string) string {
	first, last := strings.IndexByte(key, '.'), strings.LastIndexByte(key, '.')
	if first < 0 {
		return strings.ToLower(key)
	}
	return strings.ToLower(key[:first]) + key[first:last] + strings.ToLower(key[last:])
}

// ParseBool is git_parse_maybe_bool: true/yes/on, false/no/off and the
// empty string (false), case-insensitive, or a number that fits git's int
// (non-zero is true).
func ParseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off", "":
		return false, true
	}
	n, ok := parseSigned(v, 1<<31-1)
	return n != 0, ok
}

// ParseInt is git_parse_int64, what git config --type=int accepts.
func ParseInt(v string) (int64, bool) { return parseSigned(v, 1<<63-1) }

// parseSigned is git_parse_signed: C's strtoimax in base 0 (decimal, 0x
// hex, leading-0 octal; leading white space and a sign allowed), then an
// optional unit k, m or g (case-insensitive: 1024, 1024², 1024³), the
// result within [-max, max].
func parseSigned(v string, max int64) (int64, bool) {
	s := strings.TrimLeft(v, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	base, start := 10, 0
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") && isHexDigit(s[2]):
		base, start = 16, 2
	case len(s) > 0 && s[0] == '0':
		base = 8
	}
	end := start
	for end < len(s) && digitValue(s[end]) < base {
		end++
	}
	if end == start {
		return 0, false
	}
	mult := uint64(1)
	switch strings.ToLower(s[end:]) {
	case "":
	case "k":
		mult = 1 << 10
	case "m":
		mult = 1 << 20
	case "g":
		mult = 1 << 30
	default:
		return 0, false
	}
	u, err := strconv.ParseUint(s[start:end], base, 64)
	if err != nil || u > uint64(max)/mult {
		return 0, false
	}
	if neg {
		return -int64(u * mult), true
	}
	return int64(u * mult), true
}

func isHexDigit(c byte) bool { return digitValue(c) < 16 }

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

// LoadConfig reads the configuration git reads in repository r, with env
// the environment git would run with: the system file (unless
// GIT_CONFIG_NOSYSTEM; GIT_CONFIG_SYSTEM names another), the global ones
// ($XDG_CONFIG_HOME/git/config then ~/.gitconfig, or GIT_CONFIG_GLOBAL),
// the repository's config, its config.worktree when
// extensions.worktreeConfig is on, and GIT_CONFIG_COUNT pairs; includes
// are followed as git follows them (see include.go).
// GIT_CONFIG_PARAMETERS, and any file or include it cannot read the way
// git does, are ErrNeedGit.
func LoadConfig(r Repo, env []string) (*Config, error) {
	get := func(k string) (string, bool) {
		for i := len(env) - 1; i >= 0; i-- {
			if key, v, _ := strings.Cut(env[i], "="); key == k {
				return v, true
			}
		}
		return "", false
	}
	if v, _ := get("GIT_CONFIG_PARAMETERS"); v != "" {
		return nil, fmt.Errorf("config: GIT_CONFIG_PARAMETERS is set: %w", ErrNeedGit)
	}
	var paths []string
	if v, _ := get("GIT_CONFIG_NOSYSTEM"); !envBool(v) {
		p, ok := get("GIT_CONFIG_SYSTEM")
		if !ok {
			p = "/etc/gitconfig"
		}
		paths = append(paths, p)
	}
	if p, ok := get("GIT_CONFIG_GLOBAL"); ok {
		paths = append(paths, p)
	} else {
		home, _ := get("HOME")
		xdg, _ := get("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			paths = append(paths, filepath.Join(xdg, "git", "config"))
		}
		if home != "" {
			paths = append(paths, filepath.Join(home, ".gitconfig"))
		}
	}
	in := &includer{repo: &r, get: get}
	all := &Config{}
	for _, p := range paths {
		if err := in.addFile(all, p, true); err != nil {
			return nil, err
		}
	}
	repo := &Config{}
	if err := in.addFile(repo, filepath.Join(r.CommonDir, "config"), false); err != nil {
		return nil, err
	}
	all.add(repo)
	if wt, err := repo.Bool("extensions.worktreeConfig", false); err != nil {
		return nil, err
	} else if wt {
		if err := in.addFile(all, filepath.Join(r.GitDir, "config.worktree"), true); err != nil {
			return nil, err
		}
	}
	if err := addEnvConfig(all, get); err != nil {
		return nil, err
	}
	return all, nil
}

// addEnvConfig adds GIT_CONFIG_COUNT's GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n>
// pairs, which git reads after every file.
func addEnvConfig(c *Config, get func(string) (string, bool)) error {
	v, _ := get("GIT_CONFIG_COUNT")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("config: GIT_CONFIG_COUNT %q: %w", v, ErrNeedGit)
	}
	for i := range n {
		k, okK := get("GIT_CONFIG_KEY_" + strconv.Itoa(i))
		val, okV := get("GIT_CONFIG_VALUE_" + strconv.Itoa(i))
		first, last := strings.IndexByte(k, '.'), strings.LastIndexByte(k, '.')
		if !okK || !okV || first <= 0 || last == len(k)-1 {
			return fmt.Errorf("config: GIT_CONFIG_KEY_%d %q: %w", i, k, ErrNeedGit)
		}
		name := normaliseKey(k)
		if strings.HasPrefix(name, "include.") || strings.HasPrefix(name, "includeif.") {
			return fmt.Errorf("config: include in the environment: %w", ErrNeedGit)
		}
		c.push(configEntry{name: name, value: val})
	}
	return nil
}

// envBool is git_env_bool for a variable that is set: git's boolean
// syntax, unset or empty being false.
func envBool(v string) bool {
	b, ok := ParseBool(v)
	return ok && b
}
