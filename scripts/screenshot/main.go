package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
)

func main() {
	bin := flag.String("bin", "./mgit", "the mgit binary to run")
	out := flag.String("out", "docs/dashboard.png", "the PNG to write")
	cols := flag.Int("cols", 120, "terminal columns")
	rows := flag.Int("rows", 40, "terminal rows")
	textOut := flag.Bool("text", false, "also print the screen as text")
	flag.Parse()
	if err := run(*bin, *out, *cols, *rows, *textOut); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func run(bin, out string, cols, rows int, textOut bool) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	base, err := os.MkdirTemp("", "mgit-screenshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(base)
	home := filepath.Join(base, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	url, stop, err := serveListing("https://" + cloneHost)
	if err != nil {
		return err
	}
	defer stop()
	// Laid out where 'mgit clone acme/*' puts the listing's clone URLs,
	// so the dashboard matches each clone with its upstream.
	root := filepath.Join(home, "src")
	if err := buildWorkspace(newGit(home), base, root, cloneHost); err != nil {
		return err
	}
	cfg := filepath.Join(home, "config.yaml")
	conf := fmt.Sprintf("providers:\n  - name: acme\n    type: github\n    url: %s\nworkspace: %s\nquery: acme/*\n", url, root)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return err
	}
	emu, err := record(bin, []string{"--config", cfg, root}, mgitEnv(home), cols, rows)
	if err != nil {
		return err
	}
	if textOut {
		fmt.Println(emu.String())
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return writePNG(out, emu)
}

// cloneHost is the host of the clone URLs the fake provider lists.
const cloneHost = "git.acme.example"

func mgitEnv(home string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TERM=xterm-256color", "COLORTERM=truecolor",
		"LANG=C.UTF-8", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".state"), "MGIT_TOKEN_ACME=screenshot-token",
		"MGIT_KEYRING_BACKEND=env",
	}
}

// Colours of the terminal the picture shows: a dark theme.
var (
	defaultFg = color.RGBA{0xd8, 0xdc, 0xe6, 0xff}
	defaultBg = color.RGBA{0x16, 0x19, 0x22, 0xff}
)

// record runs mgit on a pseudo-terminal fed to an emulator until the
// screen is settled (see settled), then quits it.
func record(bin string, args, env []string, cols, rows int) (*vt.Emulator, error) {
	ctl, term, err := openPTY(cols, rows)
	if err != nil {
		return nil, err
	}
	defer ctl.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term, term, term
	cmd.SysProcAttr = controllingTerminal()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	term.Close()

	emu := vt.NewEmulator(cols, rows)
	emu.SetDefaultForegroundColor(defaultFg)
	emu.SetDefaultBackgroundColor(defaultBg)
	// The emulator's answers to mgit's queries (background colour, …) go
	// back as the terminal's input.
	go func() { _, _ = io.Copy(ctl, emu) }()

	var mu sync.Mutex
	var raw bytes.Buffer
	wrote := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := ctl.Read(buf)
			if n > 0 {
				mu.Lock()
				raw.Write(buf[:n])
				mu.Unlock()
				select {
				case wrote <- struct{}{}:
				default:
				}
			}
			if err != nil {
				close(wrote)
				return
			}
		}
	}()
	feed := func() {
		mu.Lock()
		b := bytes.Clone(raw.Bytes())
		raw.Reset()
		mu.Unlock()
		_, _ = emu.Write(b)
	}
	err = waitSettled(emu, feed, wrote)
	_, _ = ctl.Write([]byte("q"))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
	return emu, err
}

// waitSettled feeds output to the emulator until settled holds and then
// nothing has been drawn for a second (the spinner of a refresh would
// draw), or fails after a minute.
func waitSettled(emu *vt.Emulator, feed func(), wrote <-chan struct{}) error {
	deadline := time.After(time.Minute)
	quiet := time.NewTimer(time.Hour)
	ready := false
	for {
		select {
		case _, ok := <-wrote:
			if !ok {
				feed()
				return errors.New("mgit stopped before the screen settled:\n" + emu.String())
			}
			feed()
			if settled(emu.String()) {
				ready = true
				quiet.Reset(time.Second)
			}
		case <-quiet.C:
			if ready {
				return nil
			}
		case <-deadline:
			return errors.New("the screen did not settle within a minute:\n" + emu.String())
		}
	}
}

// settled: every repository is on the screen and none is still waiting
// for its state.
func settled(screen string) bool {
	for _, st := range states() {
		if !strings.Contains(screen, st.name) {
			return false
		}
	}
	for _, n := range notCloned {
		if !strings.Contains(screen, n) {
			return false
		}
	}
	return !strings.Contains(screen, "refreshing") && !strings.Contains(screen, "queued")
}
