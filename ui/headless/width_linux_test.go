package headless

import (
	"fmt"
	"io"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// wrapped is a writer that wraps another, as the redacting writer does.
type wrapped struct{ io.Writer }

func (w wrapped) Unwrap() io.Writer { return w.Writer }

func TestTerminalWidthFromTTY(t *testing.T) {
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ctl.Close()
	if err := unix.IoctlSetPointerInt(int(ctl.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetUint32(int(ctl.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer tty.Close()
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: 97, Row: 30}); err != nil {
		t.Fatalf("set size: %v", err)
	}
	noEnv := func(string) string { return "" }
	if got := TerminalWidth(wrapped{tty}, noEnv); got != 97 {
		t.Errorf("terminal of 97 columns behind a wrapper: %d", got)
	}
	if got := TerminalWidth(tty, func(k string) string {
		if k == "COLUMNS" {
			return "140"
		}
		return ""
	}); got != 140 {
		t.Errorf("COLUMNS=140 on a terminal of 97: %d", got)
	}
	// A pipe is no terminal: no limit.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if got := TerminalWidth(w, noEnv); got != 0 {
		t.Errorf("pipe: %d, want 0 (no limit)", got)
	}
}
