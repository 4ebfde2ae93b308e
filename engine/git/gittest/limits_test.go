package gittest

import (
	"net/http"
	"sort"
	"testing"
	"time"
)

// Three requests gathered at once against a throttle of 2: exactly the
// third is refused, with the Retry-After asked for, and the other two are
// served. Nothing here depends on scheduling: Gather holds the first two
// until the third has arrived.
func TestServerThrottleAndGather(t *testing.T) {
	Isolate(t)
	s := NewServer(t, ServerOptions{})
	s.CreateRepo(t, "app")
	s.Throttle(2, "7")
	s.Gather(3)
	type answer struct {
		code       int
		retryAfter string
	}
	got := make(chan answer, 3)
	for range 3 {
		go func() {
			res, err := http.Get(s.URL("app") + "/info/refs?service=git-upload-pack")
			if err != nil {
				got <- answer{code: -1}
				return
			}
			res.Body.Close()
			got <- answer{res.StatusCode, res.Header.Get("Retry-After")}
		}()
	}
	var codes []int
	for range 3 {
		a := <-got
		codes = append(codes, a.code)
		if a.code == http.StatusTooManyRequests && a.retryAfter != "7" {
			t.Errorf("429 with Retry-After %q, want 7", a.retryAfter)
		}
	}
	sort.Ints(codes)
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("answers %v, want 200 200 429", codes)
	}
	if s.Throttled() != 1 {
		t.Fatalf("throttled %d, want 1", s.Throttled())
	}

	// One at a time stays under the throttle.
	s.Throttle(1, "")
	res, err := http.Get(s.URL("app") + "/info/refs?service=git-upload-pack")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("single request: %v %v", res, err)
	}
	res.Body.Close()
}

// Delay holds every answer at least that long; the answer is the normal one.
func TestServerDelay(t *testing.T) {
	Isolate(t)
	s := NewServer(t, ServerOptions{})
	s.CreateRepo(t, "app")
	const d = 150 * time.Millisecond
	s.Delay(d)
	start := time.Now()
	dest := t.TempDir() + "/app"
	Clone(t, s.URL("app"), dest)
	// A clone is at least two requests (refs, then the pack), one after
	// the other.
	if took := time.Since(start); took < 2*d {
		t.Fatalf("clone took %s with %s per request", took, d)
	}
	if Head(t, dest) == "" {
		t.Fatal("clone has no HEAD")
	}
}
