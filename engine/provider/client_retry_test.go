package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failingTransport fails the first fails requests with err, then answers
// 200 "{}"; it counts every request.
type failingTransport struct {
	err   error
	fails int32
	n     atomic.Int32
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.n.Add(1) <= f.fails {
		return nil, f.err
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func transportClient(t *testing.T, rt http.RoundTripper) *client {
	t.Helper()
	c, err := newClient(Config{Name: "t", Client: &http.Client{Transport: rt}}, "https://git.example.invalid/api", nil)
	if err != nil {
		t.Fatal(err)
	}
	installFakeClock(c)
	return c
}

// TestUnknownHostIsNotRetried: a host that does not resolve will not
// resolve on the next attempt either. The transport is injected so the
// test resolves nothing over the network.
func TestUnknownHostIsNotRetried(t *testing.T) {
	rt := &failingTransport{fails: 100, err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "git.example.invalid", IsNotFound: true}}}
	c := transportClient(t, rt)
	_, err := c.get(context.Background(), "/x")
	var dns *net.DNSError
	if !errors.As(err, &dns) || rt.n.Load() != 1 {
		t.Fatalf("err = %v after %d attempts, want a DNS error after 1", err, rt.n.Load())
	}
}

// TestConnectionResetIsRetried: a reset connection is worth another try.
func TestConnectionResetIsRetried(t *testing.T) {
	rt := &failingTransport{fails: 2, err: &net.OpError{Op: "read", Net: "tcp",
		Err: os.NewSyscallError("read", syscall.ECONNRESET)}}
	c := transportClient(t, rt)
	if _, err := c.get(context.Background(), "/x"); err != nil || rt.n.Load() != 3 {
		t.Fatalf("err = %v after %d attempts, want success after 3", err, rt.n.Load())
	}
}

func TestRetryable(t *testing.T) {
	ue := func(err error) error { return &url.Error{Op: "Get", URL: "https://h/x", Err: err} }
	dial := func(errno syscall.Errno) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"timeout", ue(&net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}), true},
		{"deadline", ue(context.DeadlineExceeded), true},
		{"reset", ue(dial(syscall.ECONNRESET)), true},
		{"refused", ue(dial(syscall.ECONNREFUSED)), true},
		{"EOF", ue(io.EOF), true},
		{"unexpected EOF", ue(io.ErrUnexpectedEOF), true},
		{"body read", fmt.Errorf("%w: %w", errReadBody, errors.New("http2: stream closed")), true},
		{"DNS timeout", ue(&net.DNSError{Err: "i/o timeout", Name: "h", IsTimeout: true}), true},
		{"unknown host", ue(&net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}), false},
		{"redirect loop", ue(errors.New("stopped after 10 redirects")), false},
		{"scheme", ue(errors.New(`unsupported protocol scheme "ftp"`)), false},
		{"unreachable", ue(dial(syscall.ENETUNREACH)), false},
		{"verdict", &HTTPError{Status: 404, Err: ErrNotFound}, false},
	} {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("%s: retryable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestRateLimitErrorSaysWhatToDo: the message names both ways out.
func TestRateLimitErrorSaysWhatToDo(t *testing.T) {
	reset := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	e := &RateLimitError{URL: "https://h/x", Reset: reset, Wait: 90 * time.Minute}
	want := "GET https://h/x: rate limited for 1h30m0s, more than the maximum wait (raise --max-wait or retry after 2030-01-02T03:04:05Z)"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e, want)
	}
	if e := (&RateLimitError{URL: "https://h/x"}); e.Error() != "GET https://h/x: rate limited (raise --max-wait or retry later)" {
		t.Errorf("without a reset: %s", e)
	}
}
