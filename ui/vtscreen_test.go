package ui

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"
)

// vtDeadline bounds every wait in a flow. Frames arrive within
// milliseconds; the bound only turns a hang into a readable failure, so
// it is generous: the gate runs these under -race beside other packages'
// tests on two cores, where a step can wait seconds for a CPU.
const vtDeadline = 60 * time.Second

// vtTerm runs a model in a real tea.Program whose terminal is a virtual
// one (github.com/charmbracelet/x/vt). It does what teatest/v2 does, and
// more: teatest/v2 cannot be linked into this package's tests because its
// golden dependency registers an -update flag at init, which clashes with
// golden_test.go's own.
//
// bubbletea v2's renderer writes only the cells that changed since the
// last frame, so the raw output cannot be searched for text; it is
// replayed into the emulator and the tests read the emulator's screen.
// Keys go through the emulator too, encoded as a terminal would, and the
// emulator's answers to the program's queries (background colour,
// synchronized output, …) go back to the program as input.
type vtTerm struct {
	t    testing.TB
	prog *tea.Program
	out  *outBuffer
	// emu is touched only by the test goroutine, except its reply pipe,
	// which the forwarding goroutine reads.
	emu *vt.Emulator
	// raw holds every byte the program wrote, untranslated.
	raw bytes.Buffer

	done  chan struct{} // closed when Run returned
	final tea.Model     // Run's results, readable once done is closed
	err   error
}

// startVT starts m in a w×h virtual terminal. The program stops at the
// end of the test if the flow did not quit it.
func startVT(t testing.TB, m tea.Model, w, h int) *vtTerm {
	t.Helper()
	// A pipe, not an in-memory reader, is the program's input: bubbletea
	// can cancel a read on a file descriptor when it quits, as on a tty.
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	v := &vtTerm{
		t:    t,
		out:  newOutBuffer(),
		emu:  vt.NewEmulator(w, h),
		done: make(chan struct{}),
	}
	v.prog = tea.NewProgram(m,
		tea.WithInput(inR),
		tea.WithOutput(v.out),
		tea.WithWindowSize(w, h),
		tea.WithoutSignals(),
		tea.WithEnvironment([]string{"TERM=xterm-256color"}),
	)
	go func() {
		defer close(v.done)
		v.final, v.err = v.prog.Run()
	}()
	// The emulator writes its answers (and the keys sent through it) to
	// a synchronous pipe: something must read it or the emulator blocks.
	forwarded := make(chan struct{})
	go func() {
		defer close(forwarded)
		_, _ = io.Copy(inW, v.emu)
	}()
	t.Cleanup(func() {
		// Quit, not Kill: Kill closes the input reader while bubbletea's
		// read loop still uses it (a data race in bubbletea v2.1.1).
		// Quit on a stopped program does nothing.
		v.prog.Quit()
		select {
		case <-v.done:
		case <-time.After(vtDeadline):
			t.Errorf("the program did not stop within %s of Quit", vtDeadline)
		}
		// Closing the reply pipe's writer ends the forwarding goroutine;
		// Emulator.Close would race with its Read.
		if c, ok := v.emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
		<-forwarded
		_ = inW.Close()
		_ = inR.Close()
	})
	return v
}

// pull replays what the program wrote since the last call into the
// emulator, and returns a channel closed at the program's next write.
func (v *vtTerm) pull() <-chan struct{} {
	b, wrote := v.out.take()
	if len(b) > 0 {
		v.raw.Write(b)
		// The renderer relies on the tty turning "\n" into "\r\n"
		// (ONLCR); the emulator has no line discipline, so do it here.
		// A "\r" already there does no harm.
		_, _ = v.emu.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
	return wrote
}

// screen is the emulator's screen as text, one line per row, trailing
// blanks trimmed.
func (v *vtTerm) screen() string {
	v.pull()
	return v.emu.String()
}

// line is row y of the screen (0-based).
func (v *vtTerm) line(y int) string {
	lines := strings.Split(v.screen(), "\n")
	if y < 0 || y >= len(lines) {
		v.t.Fatalf("no screen line %d in %d lines", y, len(lines))
	}
	return lines[y]
}

// lineWith is the first screen line containing s, or "".
func (v *vtTerm) lineWith(s string) string {
	for _, l := range strings.Split(v.screen(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// waitFor waits until cond holds for the screen, woken by the program's
// writes, and returns that screen. It fails the test at the deadline or
// when the program stopped without cond holding.
func (v *vtTerm) waitFor(what string, cond func(screen string) bool) string {
	v.t.Helper()
	deadline := time.NewTimer(vtDeadline)
	defer deadline.Stop()
	for {
		wrote := v.pull()
		s := v.emu.String()
		if cond(s) {
			return s
		}
		select {
		case <-wrote:
		case <-v.done:
			// One last look: the final frame may have come with the exit.
			v.pull()
			if s = v.emu.String(); cond(s) {
				return s
			}
			v.t.Fatalf("the program stopped (%v) before %s; screen:\n%s", v.err, what, s)
		case <-deadline.C:
			v.t.Fatalf("no %s within %s; screen:\n%s\n%q", what, vtDeadline, s, s)
		}
	}
}

// waitText waits until the screen holds every one of want.
func (v *vtTerm) waitText(want ...string) string {
	v.t.Helper()
	return v.waitFor("screen with "+strings.Join(want, ", "), func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}

// typeText types text as a user would at the terminal.
func (v *vtTerm) typeText(s string) { v.emu.SendText(s) }

// pressEsc presses Escape. The terminal sends a lone ESC byte, which the
// program's input reader tells from the start of a sequence by itself.
func (v *vtTerm) pressEsc() { v.emu.SendKey(vt.KeyPressEvent{Code: vt.KeyEscape}) }

// finish waits for the program to stop and returns its final model and
// error, with the last output replayed into the emulator.
func (v *vtTerm) finish() (tea.Model, error) {
	v.t.Helper()
	select {
	case <-v.done:
	case <-time.After(vtDeadline):
		v.t.Fatalf("the program did not stop within %s; screen:\n%s", vtDeadline, v.screen())
	}
	v.pull()
	return v.final, v.err
}

// outBuffer is the program's output: written by bubbletea's renderer,
// taken by the test, with a signal on every write so that waits need no
// polling.
type outBuffer struct {
	mu    sync.Mutex
	buf   []byte
	wrote chan struct{} // closed and replaced on every write
}

func newOutBuffer() *outBuffer { return &outBuffer{wrote: make(chan struct{})} }

func (b *outBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	close(b.wrote)
	b.wrote = make(chan struct{})
	return len(p), nil
}

// take returns what was written since the last take, and the channel
// the next write closes; both under one lock, so no write is missed.
func (b *outBuffer) take() ([]byte, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.buf
	b.buf = nil
	return p, b.wrote
}
