package gogit

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	format "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// This file gathers what git would consult before a checkout: the config
// keys that change what is written (system, global, then the repository's
// own, each later file winning, as git reads them) and the attribute files
// outside the tree. Settings it cannot follow are refused.

// configLayer is one config file's options, in file order.
type configLayer struct {
	name string
	cfg  *format.Config
}

// checkoutEnv is the part of a checkout's input that does not depend on
// the path.
type checkoutEnv struct {
	conf  checkoutConfig
	outer []*attrFile // built-in, system and global attribute files
	info  *attrFile   // $GIT_DIR/info/attributes
}

// loadCheckoutEnv reads the config and the attribute files outside the
// tree, refusing settings whose effect the go-git backend cannot reproduce.
func loadCheckoutEnv(r *gogit.Repository) (*checkoutEnv, error) {
	layers, err := configLayers(r)
	if err != nil {
		return nil, err
	}
	get := func(section, key string) (string, bool) {
		val, found := "", false
		for _, l := range layers {
			for _, s := range l.cfg.Sections {
				if !s.IsName(section) {
					continue
				}
				if vs := s.Options.GetAll(key); len(vs) > 0 {
					val, found = vs[len(vs)-1], true
				}
			}
		}
		return val, found
	}
	for _, l := range layers {
		for _, s := range l.cfg.Sections {
			if s.IsName("include") || s.IsName("includeIf") {
				return nil, &cannotCheckoutError{what: "the [" + s.Name + "] section of " + l.name + " (included config files are not read)"}
			}
		}
	}
	env := &checkoutEnv{conf: checkoutConfig{autocrlf: "false", symlinks: true, fileMode: true}}
	if v, ok := get("core", "autocrlf"); ok {
		if strings.EqualFold(v, "input") {
			env.conf.autocrlf = "input"
		} else if configBool(v) {
			env.conf.autocrlf = "true"
		}
	}
	if v, ok := get("core", "eol"); ok {
		env.conf.eol = strings.ToLower(v)
	}
	if v, ok := get("core", "symlinks"); ok {
		env.conf.symlinks = configBool(v)
	}
	if v, ok := get("core", "filemode"); ok {
		env.conf.fileMode = configBool(v)
	}
	if v, ok := get("core", "ignorecase"); ok && configBool(v) {
		return nil, &cannotCheckoutError{what: "core.ignoreCase=true"}
	}
	if v, ok := get("core", "sparsecheckout"); ok && configBool(v) {
		return nil, &cannotCheckoutError{what: "core.sparseCheckout=true"}
	}
	global, ok := get("core", "attributesfile")
	if ok {
		global = expandHome(global)
	} else {
		global = xdgPath("attributes")
	}
	if env.outer, err = outerAttrs(global); err != nil {
		return nil, err
	}
	if env.info, err = readGitDirAttrs(r); err != nil {
		return nil, err
	}
	return env, nil
}

// configLayers returns the config files git reads, lowest precedence
// first: system, global (GIT_CONFIG_GLOBAL or the XDG file and
// ~/.gitconfig), the repository's, then GIT_CONFIG_COUNT entries.
func configLayers(r *gogit.Repository) ([]configLayer, error) {
	var names []string
	if !envBool("GIT_CONFIG_NOSYSTEM") {
		sys := os.Getenv("GIT_CONFIG_SYSTEM")
		if sys == "" {
			sys = "/etc/gitconfig"
		}
		names = append(names, sys)
	}
	if g, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		names = append(names, g)
	} else {
		names = append(names, xdgPath("config"), expandHome("~/.gitconfig"))
	}
	var layers []configLayer
	for _, n := range names {
		if n == "" {
			continue
		}
		data, err := os.ReadFile(n)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			continue
		}
		if err != nil {
			return nil, err
		}
		cfg := format.New()
		if err := format.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
			return nil, &cannotCheckoutError{what: "the config in " + n + " (it does not parse: " + err.Error() + ")"}
		}
		layers = append(layers, configLayer{name: n, cfg: cfg})
	}
	local, err := r.Config()
	if err != nil {
		return nil, err
	}
	layers = append(layers, configLayer{name: ".git/config", cfg: local.Raw})
	if n, err := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT")); err == nil && n > 0 {
		cfg := format.New()
		for i := 0; i < n; i++ {
			k := os.Getenv("GIT_CONFIG_KEY_" + strconv.Itoa(i))
			v := os.Getenv("GIT_CONFIG_VALUE_" + strconv.Itoa(i))
			if sec, key, ok := strings.Cut(k, "."); ok && !strings.Contains(key, ".") {
				cfg.AddOption(sec, "", key, v)
			}
		}
		layers = append(layers, configLayer{name: "GIT_CONFIG_COUNT", cfg: cfg})
	}
	return layers, nil
}

// configBool is git's boolean syntax; a value git would reject counts as
// false.
func configBool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on":
		return true
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return err == nil && n != 0
}

func envBool(name string) bool { return configBool(os.Getenv(name)) }

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		home := os.Getenv("HOME")
		if home == "" {
			return ""
		}
		return filepath.Join(home, rest)
	}
	return p
}

// xdgPath is $XDG_CONFIG_HOME/git/<name>, or ~/.config/git/<name>.
func xdgPath(name string) string {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "git", name)
	}
	if home := os.Getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "git", name)
	}
	return ""
}

// readAttrFile parses an attributes file outside the tree; a missing or
// unreadable one is skipped, as git does.
func readAttrFile(name string) (*attrFile, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrInvalid) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f := parseAttrs(data, "", true)
	return &f, nil
}

// readGitDirAttrs parses $GIT_COMMON_DIR/info/attributes.
func readGitDirAttrs(r *gogit.Repository) (*attrFile, error) {
	fsys, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil, nil
	}
	fh, err := fsys.Filesystem().Open("info/attributes")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = fh.Close() }()
	data, err := io.ReadAll(io.LimitReader(fh, 100<<20))
	if err != nil {
		return nil, err
	}
	f := parseAttrs(data, "", true)
	return &f, nil
}

// outerAttrs reads the attribute files outside the tree, lowest precedence
// first: git's built-in macro, the system file, the global file.
func outerAttrs(global string) ([]*attrFile, error) {
	outer := []*attrFile{&builtinAttrs}
	var names []string
	if !envBool("GIT_ATTR_NOSYSTEM") {
		names = append(names, "/etc/gitattributes")
	}
	if global != "" {
		names = append(names, global)
	}
	for _, n := range names {
		f, err := readAttrFile(n)
		if err != nil {
			return nil, err
		}
		if f != nil {
			outer = append(outer, f)
		}
	}
	return outer, nil
}
