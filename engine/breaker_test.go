package engine

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestDeadHostFailsFast clones 1,000 repositories from a host whose listener
// is gone. After HostFailures failures in a row the rest fail at once with
// ErrHostDown, without a single attempt; every repository ends with a class.
func TestDeadHostFailsFast(t *testing.T) {
	gittest.Isolate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // connections are now refused
	const n, k, conc = 1000, 3, 2
	var jobs []Job
	root := t.TempDir()
	for i := range n {
		id := "r" + strconv.Itoa(i)
		jobs = append(jobs, Job{Op: OpClone, Repo: Repo{ID: id, Path: root + "/" + id,
			URL: "http://" + addr + "/" + id + ".git", Host: addr}})
	}
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			res := submit(t, Config{Backend: be, Retry: fastRetry, HostFailures: k, NetworkConcurrency: conc},
				context.Background(), Plan{Jobs: jobs})
			down, tried := 0, 0
			for id, fins := range res.finished {
				fin := fins[0]
				switch {
				case fin.Result.Attempts == 0 && errors.Is(fin.Err, git.ErrHostDown):
					down++
				case fin.Result.Attempts > 0 && errors.Is(fin.Err, git.ErrNetwork):
					tried++ // possibly cut short by the breaker
				default:
					t.Errorf("%s: %d attempts, %v", id, fin.Result.Attempts, fin.Err)
				}
			}
			// Operations already running when the breaker opened may
			// still fail on their own: at most conc-1 of them.
			if tried < k || tried > k+conc-1 || down != n-tried {
				t.Errorf("%d tried, %d failed fast; want %d..%d tried, the rest fast", tried, down, k, k+conc-1)
			}
			if h := git.Hint(git.ErrHostDown); h == "" {
				t.Error("no hint for host-down")
			}
		})
	}
}
