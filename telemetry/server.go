package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Timeouts of the listener. A scrape is small and local; the limits only
// stop a slow or idle client from holding a connection open forever.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
)

// ListenAddr normalises a --metrics-addr value: a bare port ("9090") or a
// port without a host (":9090") listens on loopback only, because metrics
// and health describe the machine's repositories and need not leave it. A
// host given explicitly, 0.0.0.0 included (containers), is kept.
func ListenAddr(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", errors.New("empty address")
	}
	if _, err := strconv.ParseUint(addr, 10, 16); err == nil {
		return net.JoinHostPort("127.0.0.1", addr), nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("address %q: want PORT, :PORT or HOST:PORT", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("address %q: bad port %q", addr, port)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Readiness is the state /readyz and /healthz report. The zero value is
// not ready, and alive: /healthz fails only after ExpectProgress, when the
// last Beat is older than its limit (a sync loop that stopped making
// progress: a hung operation, a deadlock), so that the orchestrator
// restarts the process.
type Readiness struct {
	mu     sync.Mutex
	ready  bool
	reason string
	// limit > 0: beats are expected at least that often; last is the
	// latest beat.
	limit time.Duration
	last  time.Time
}

// Set records whether mgit is ready and, when not, why (shown in /readyz).
func (r *Readiness) Set(ready bool, reason string) {
	r.mu.Lock()
	r.ready, r.reason = ready, reason
	r.mu.Unlock()
}

// Get returns the current readiness and reason.
func (r *Readiness) Get() (bool, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ready, r.reason
}

// ExpectProgress makes /healthz fail when no Beat came for longer than
// limit; it counts as a beat. limit <= 0 turns the check off again.
func (r *Readiness) ExpectProgress(limit time.Duration, now time.Time) {
	r.mu.Lock()
	r.limit, r.last = limit, now
	r.mu.Unlock()
}

// Beat records progress at now.
func (r *Readiness) Beat(now time.Time) {
	r.mu.Lock()
	if now.After(r.last) {
		r.last = now
	}
	r.mu.Unlock()
}

// Alive reports whether the process made progress recently enough at now,
// and when not, why.
func (r *Readiness) Alive(now time.Time) (bool, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.limit <= 0 {
		return true, ""
	}
	if idle := now.Sub(r.last); idle > r.limit {
		return false, fmt.Sprintf("no progress for %s (limit %s)", idle.Round(time.Second), r.limit)
	}
	return true, ""
}

// Server is the listener serving /metrics, /healthz and /readyz.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// Handler returns the HTTP handler of the listener: /metrics from g,
// /healthz (liveness: 200 while the process serves and, when it expects
// progress, makes it; else 503) and /readyz (200 or 503 from ready).
func Handler(g prometheus.Gatherer, ready *Readiness) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{
		// A failing collector must not take the endpoint down.
		ErrorHandling: promhttp.ContinueOnError,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ok, reason := ready.Alive(time.Now()); !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, reason)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ok, reason := ready.Get()
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
			if reason == "" {
				reason = "not ready"
			}
			fmt.Fprintln(w, reason)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// Listen binds addr (normalised by ListenAddr) and serves Handler(g, ready)
// in the background until Shutdown. Binding happens before Listen returns,
// so a port in use is reported at once.
func Listen(addr string, g prometheus.Gatherer, ready *Readiness) (*Server, error) {
	a, err := ListenAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	ln, err := net.Listen("tcp", a)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           Handler(g, ready),
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
		},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Addr is the address the listener is bound to (with the real port when
// the port was 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown stops accepting connections and waits, up to ctx, for requests
// in progress (a scrape) to finish; then it closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	if serr := <-s.done; err == nil {
		err = serr
	}
	return err
}

// Probe asks the listener at addr for path (/healthz or /readyz) and
// returns nil when it answers 200 within timeout: the check behind
// `mgit health`, for images without curl.
func Probe(ctx context.Context, addr, path string, timeout time.Duration) error {
	a, err := ListenAddr(addr)
	if err != nil {
		return err
	}
	// Probing 0.0.0.0 means "this machine"; connect to loopback.
	if host, port, _ := net.SplitHostPort(a); host == "0.0.0.0" || host == "::" {
		a = net.JoinHostPort("127.0.0.1", port)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+a+path, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return nil
}
