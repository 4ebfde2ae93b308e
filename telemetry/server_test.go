package telemetry

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		"9090":           "127.0.0.1:9090",
		":9090":          "127.0.0.1:9090",
		"0.0.0.0:9090":   "0.0.0.0:9090",
		"localhost:1234": "localhost:1234",
		"[::1]:9090":     "[::1]:9090",
	} {
		got, err := ListenAddr(in)
		if err != nil || got != want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "host", "host:port", ":99999", "70000"} {
		if got, err := ListenAddr(bad); err == nil {
			t.Errorf("ListenAddr(%q) = %q, want error", bad, got)
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestListenerEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "test")
	ready := &Readiness{}
	ready.Set(false, "waiting for the first sync cycle")
	srv, err := Listen("127.0.0.1:0", reg, ready)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr()
	if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") {
		t.Errorf("bound to %s", srv.Addr())
	}
	if srv.srv.ReadTimeout == 0 || srv.srv.WriteTimeout == 0 || srv.srv.ReadHeaderTimeout == 0 {
		t.Errorf("timeouts not set: %+v", srv.srv)
	}

	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "first sync cycle") {
		t.Errorf("/readyz before = %d %q", code, body)
	}
	ctx := context.Background()
	if err := Probe(ctx, srv.Addr(), "/readyz", time.Second); err == nil {
		t.Error("Probe /readyz succeeded while not ready")
	}
	if err := Probe(ctx, srv.Addr(), "/healthz", time.Second); err != nil {
		t.Errorf("Probe /healthz: %v", err)
	}
	ready.Set(true, "")
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz after = %d", code)
	}
	m.OpStarted("pull")
	m.OpFinished("pull", "ok", time.Second)
	code, body := get(t, base+"/metrics")
	if code != 200 || !strings.Contains(body, `mgit_operations_total{op="pull",result="ok"} 1`) ||
		!strings.Contains(body, `mgit_build_info{`) {
		t.Errorf("/metrics = %d:\n%s", code, body)
	}
	if code, _ := get(t, base+"/nope"); code != 404 {
		t.Errorf("/nope = %d", code)
	}

	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := Probe(ctx, srv.Addr(), "/healthz", time.Second); err == nil {
		t.Error("Probe succeeded after Shutdown")
	}
}

func TestListenPortInUse(t *testing.T) {
	reg := prometheus.NewRegistry()
	srv, err := Listen("127.0.0.1:0", reg, &Readiness{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	if _, err := Listen(srv.Addr(), reg, &Readiness{}); err == nil {
		t.Fatal("second Listen on the same port succeeded")
	}
}
