package ui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/components/repotable"
)

type (
	// openMsg is the web page of a row, found off the Update goroutine
	// (a cloned row's origin is read from its config).
	openMsg struct {
		url    string
		err    error
		opened bool // handed to a browser
	}
	// shellDoneMsg is the shell the user left, in the repository id.
	shellDoneMsg struct {
		id  string
		err error
	}
)

// updateRowAction handles the messages of the row actions. Back from a
// shell or a tool, the row's status is read again: what the user did
// there shows at once.
func (m *model) updateRowAction(msg tea.Msg) tea.Cmd {
	var back string // the row the user comes back to
	switch msg := msg.(type) {
	case openMsg:
		switch {
		case msg.err != nil && msg.url == "":
			m.status.Error("open: " + msg.err.Error())
		case msg.err != nil:
			m.status.Error("open " + msg.url + ": " + msg.err.Error())
		case !msg.opened:
			m.status.Info("open: " + msg.url + " (no browser found)")
		default:
			m.status.Info("opened " + msg.url)
		}
	case toolDoneMsg:
		toolDone(&m.status, msg)
		back = msg.id
	case diffMsg:
		m.git.diffDone(msg)
	case shellDoneMsg:
		if msg.err != nil {
			m.status.Error("shell: " + msg.err.Error())
		} else {
			m.status.Info("back from the shell")
		}
		back = msg.id
	}
	if back != "" && m.runner().refreshRow(back) {
		return m.spin()
	}
	return nil
}

// openWeb opens the web page of the row r in a command: the URL comes
// from the clone URL of a listed row, from origin for a cloned one (read
// from its config), and starting a browser is a process.
func openWeb(r *repotable.Row, browse func(url string) error) tea.Cmd {
	if r == nil {
		return nil
	}
	raw, path := r.URL, r.Path
	return func() tea.Msg {
		if raw == "" {
			var err error
			if raw, err = workspace.OriginURL(path); err != nil {
				return openMsg{err: err}
			}
		}
		u, err := webURL(raw)
		if err != nil || browse == nil {
			return openMsg{url: u, err: err}
		}
		return openMsg{url: u, err: browse(u), opened: true}
	}
}

// webURL is the web page of the repository a clone URL points at: the
// same host and path over https (ssh and git remotes too), Azure DevOps'
// ssh form turned into its _git page. Credentials are never part of it.
func webURL(raw string) (string, error) {
	rm, err := workspace.ParseRemote(raw)
	if err != nil {
		return "", err
	}
	host, path := rm.Host, rm.Path
	switch rm.Scheme {
	case "file", "":
		return "", errors.New("a local remote has no web page")
	case "http", "https":
		return rm.Scheme + "://" + host + "/" + path, nil
	}
	// ssh and git: the web server is on the default https port.
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	if host == "ssh.dev.azure.com" {
		// v3/org/project/repo
		if p := strings.Split(path, "/"); len(p) == 4 && p[0] == "v3" {
			return "https://dev.azure.com/" + p[1] + "/" + p[2] + "/_git/" + p[3], nil
		}
	}
	return "https://" + host + "/" + path, nil
}

// shellCmd suspends the dashboard for shell ($SHELL, else sh) in the
// repository r; the dashboard comes back when it exits.
func shellCmd(r *repotable.Row, shell string) tea.Cmd {
	c := exec.Command(shell)
	c.Dir = r.Path
	id := r.ID
	return tea.ExecProcess(c, func(err error) tea.Msg { return shellDoneMsg{id: id, err: err} })
}

// actionDeps fills the row actions' dependencies from the environment.
func actionDeps(d *deps, getenv func(string) string) {
	d.shell = getenv("SHELL")
	if d.shell == "" {
		d.shell = "sh"
	}
	d.browse = systemBrowser(getenv)
	d.editor = editorOf(getenv)
}

// systemBrowser opens URLs with $BROWSER or the system's opener; nil when
// there is none (a server, a container, an SSH session without display):
// the dashboard then shows the URL instead.
func systemBrowser(getenv func(string) string) func(string) error {
	var argv []string
	switch b := getenv("BROWSER"); {
	case b != "":
		argv = []string{b}
	case runtime.GOOS == "darwin":
		argv = []string{"open"}
	case runtime.GOOS == "windows":
		argv = []string{"rundll32", "url.dll,FileProtocolHandler"}
	case getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "":
		argv = []string{"xdg-open"}
	default:
		return nil
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return nil
	}
	return func(url string) error {
		// Started, not waited for; its output would scribble on the
		// dashboard, so it has none.
		c := exec.Command(argv[0], append(argv[1:], url)...)
		c.Stdin, c.Stdout, c.Stderr = nil, nil, nil
		if err := c.Start(); err != nil {
			return fmt.Errorf("start %s: %w", argv[0], err)
		}
		go func() { _ = c.Wait() }()
		return nil
	}
}

// environ is os.Getenv unless the options give another.
func environ(opt Options) func(string) string {
	if opt.Getenv != nil {
		return opt.Getenv
	}
	return os.Getenv
}
