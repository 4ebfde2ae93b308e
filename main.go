package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mgit-dev/mgit/app"
	"github.com/mgit-dev/mgit/secure"
)

func main() {
	// Before any token is read: no core file, no ptrace by the user's
	// other processes. A failure (a seccomp profile refusing prctl) leaves
	// the system's setting, which is no worse than before.
	_ = secure.DisableCoreDumps()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal cancels the run, restore the default handlers:
	// a second Ctrl-C kills mgit at once instead of waiting for the engine.
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
