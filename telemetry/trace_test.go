package telemetry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestSpanTree(t *testing.T) {
	tr, rec := NewTracingRecorded()

	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
	}))
	defer api.Close()
	client := &http.Client{Transport: tr.Transport(api.Client().Transport, "work")}

	ctx, endRun := tr.StartRun(context.Background(), "mgit sync cycle")
	SetRunID(ctx, "r1-1")
	opCtx, endOp := tr.StartOp(ctx, "discover", "org", "r1-1.1", "work")
	req, _ := http.NewRequestWithContext(opCtx, "GET", api.URL+"/orgs/org/repos?access_token=secret", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	endOp("ok", nil)
	_, endFailed := tr.StartOp(ctx, "clone", "github.com/org/a", "r1-1.2", "work")
	endFailed("failed", errors.New("boom"))
	endRun(nil)

	spans := rec.Spans()
	if len(spans) != 4 {
		t.Fatalf("want 4 spans, got %d", len(spans))
	}
	byName := map[string]SpanData{}
	for _, s := range spans {
		byName[s.Name] = s
	}
	run, op, reqSpan, clone := byName["mgit sync cycle"], byName["discover"], byName["GET "+api.Listener.Addr().String()], byName["clone"]
	var zero [8]byte
	if run.SpanID == zero || op.SpanID == zero || reqSpan.SpanID == zero || clone.SpanID == zero {
		t.Fatalf("missing spans: %v", byName)
	}
	if run.HasParent() {
		t.Error("run span has a parent")
	}
	if op.ParentID != run.SpanID || clone.ParentID != run.SpanID {
		t.Error("operation spans are not children of the run")
	}
	if reqSpan.ParentID != op.SpanID {
		t.Error("request span is not a child of the operation")
	}
	for _, s := range spans {
		if s.TraceID != run.TraceID || !s.End.After(s.Start) && !s.End.Equal(s.Start) {
			t.Errorf("span %q: trace %x (run %x), %v..%v", s.Name, s.TraceID, run.TraceID, s.Start, s.End)
		}
	}
	if reqSpan.Kind != kindClient || run.Kind != kindInternal {
		t.Errorf("span kinds: request %d, run %d", reqSpan.Kind, run.Kind)
	}
	for _, a := range reqSpan.Attrs {
		if v := fmt.Sprint(a.Value); strings.Contains(v, "secret") || strings.Contains(v, "access_token") {
			t.Errorf("request span leaks the query: %s=%s", a.Key, v)
		}
	}
	if reqSpan.Attr("url.path") != "/orgs/org/repos" || reqSpan.Attr("http.response.status_code") != "200" ||
		reqSpan.Attr("http.request.method") != "GET" || reqSpan.Attr("server.address") != "127.0.0.1" {
		t.Errorf("request span attributes %v", reqSpan.Attrs)
	}
	if !clone.Failed || clone.StatusMessage != "boom" || clone.Attr("mgit.result") != "failed" || op.Failed {
		t.Errorf("op span status: clone %v %q %q, discover failed %v", clone.Failed, clone.StatusMessage, clone.Attr("mgit.result"), op.Failed)
	}
	if run.Attr("mgit.run_id") != "r1-1" {
		t.Error("run span without mgit.run_id")
	}
}

func TestTracingOffByDefault(t *testing.T) {
	tr, err := NewTracing(context.Background(), func(string) string { return "" }, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Enabled() {
		t.Fatal("tracing enabled without an endpoint")
	}
	base := http.DefaultTransport
	if tr.Transport(base, "x") != base {
		t.Error("Transport wrapped the base with tracing off")
	}
	ctx, end := tr.StartRun(context.Background(), "run")
	if spanFromContext(ctx) != nil {
		t.Error("tracing off made a span")
	}
	SetRunID(ctx, "r1")
	end(errors.New("boom"))
}

// TestTracingExportsOTLPHTTP: with the endpoint set, spans reach an OTLP/HTTP
// receiver at <endpoint>/v1/traces in OTLP's JSON encoding — parent links,
// hex ids, kinds, attributes, status and the service resource — with the
// configured headers, when tracing shuts down.
func TestTracingExportsOTLPHTTP(t *testing.T) {
	var mu sync.Mutex
	var got otlpTraces
	var posts atomic.Int32
	var auth, ctype string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			posts.Add(1)
			mu.Lock()
			auth, ctype = r.Header.Get("Api-Key"), r.Header.Get("Content-Type")
			if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
				t.Errorf("decode OTLP JSON: %v", err)
			}
			mu.Unlock()
		}
		w.WriteHeader(200)
	}))
	defer recv.Close()
	env := map[string]string{EnvOTLPEndpoint: recv.URL, "OTEL_EXPORTER_OTLP_HEADERS": "api-key=k%3D1, x-other=y",
		"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod"}
	tr, err := NewTracing(context.Background(), func(k string) string { return env[k] }, "v9")
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Enabled() {
		t.Fatal("tracing off with an endpoint")
	}
	ctx, end := tr.StartRun(context.Background(), "run")
	_, endOp := tr.StartOp(ctx, "fetch", "acme/api", "op-1", "work")
	endOp("failed", errors.New("boom"))
	end(nil)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if posts.Load() == 0 {
		t.Fatal("no spans exported to /v1/traces")
	}
	mu.Lock()
	defer mu.Unlock()
	if auth != "k=1" || ctype != "application/json" {
		t.Errorf("headers: api-key %q, content-type %q", auth, ctype)
	}
	if len(got.ResourceSpans) != 1 || len(got.ResourceSpans[0].ScopeSpans) != 1 {
		t.Fatalf("shape: %+v", got)
	}
	res := map[string]string{}
	for _, kv := range got.ResourceSpans[0].Resource.Attributes {
		if kv.Value.String != nil {
			res[kv.Key] = *kv.Value.String
		}
	}
	if res["service.name"] != "mgit" || res["service.version"] != "v9" || res["deployment.environment"] != "prod" {
		t.Errorf("resource %v", res)
	}
	spans := map[string]otlpSpan{}
	for _, s := range got.ResourceSpans[0].ScopeSpans[0].Spans {
		spans[s.Name] = s
	}
	run, op := spans["run"], spans["fetch"]
	if len(run.TraceID) != 32 || len(run.SpanID) != 16 || run.Kind != 1 {
		t.Errorf("run span %+v", run)
	}
	if op.TraceID != run.TraceID || op.ParentSpanID != run.SpanID {
		t.Errorf("op span not a child of the run: %+v", op)
	}
	if op.Status.Code != 2 || op.Status.Message != "boom" || op.StartTimeUnixNano == "0" {
		t.Errorf("op span status/time: %+v", op)
	}
	var repo string
	for _, kv := range op.Attributes {
		if kv.Key == "mgit.repo" && kv.Value.String != nil {
			repo = *kv.Value.String
		}
	}
	if repo != "acme/api" {
		t.Errorf("mgit.repo = %q", repo)
	}
}

// TestOTLPExporterKeepsHeadersHome: a receiver that redirects does not get
// the exporter to send its headers (an API key) elsewhere, and settings the
// exporter cannot honour are refused at start, not ignored.
func TestOTLPExporterKeepsHeadersHome(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
	}))
	defer other.Close()
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v1/traces", http.StatusTemporaryRedirect)
	}))
	defer recv.Close()
	env := map[string]string{EnvOTLPTracesEndpoint: recv.URL + "/v1/traces", "OTEL_EXPORTER_OTLP_HEADERS": "api-key=secret"}
	getenv := func(k string) string { return env[k] }
	var mu sync.Mutex
	var reported []error
	tr, err := NewTracing(context.Background(), getenv, "dev", WithExportErrors(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, err)
	}))
	if err != nil {
		t.Fatal(err)
	}
	_, end := tr.StartRun(context.Background(), "run")
	end(nil)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "307") {
		t.Errorf("export failures reported: %v (want the redirect answer)", reported)
	}
	if leaked.Load() != 0 {
		t.Fatal("the exporter followed a redirect with its headers")
	}
	for k, v := range map[string]string{
		"OTEL_EXPORTER_OTLP_PROTOCOL":           "grpc",
		"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/x.pem",
		"OTEL_EXPORTER_OTLP_TIMEOUT":            "soon",
		"OTEL_EXPORTER_OTLP_HEADERS":            "novalue",
	} {
		env := map[string]string{EnvOTLPEndpoint: recv.URL, k: v}
		if _, err := NewTracing(context.Background(), func(k string) string { return env[k] }, "dev"); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
}

// urlErrTransport fails like a transport that wraps an http.Client (an
// OAuth transport does): with a *url.Error quoting the whole URL.
type urlErrTransport struct{}

func (urlErrTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: errors.New("connection refused")}
}

// TestSpanErrorsRedacted: span status and exception events carry neither a
// token the redactor knows nor the query of a failed request's URL.
func TestSpanErrorsRedacted(t *testing.T) {
	const token, query = "glpat-registeredtoken", "querysecret"
	tr, rec := NewTracingRecorded(WithRedact(func(s string) string { return strings.ReplaceAll(s, token, "[redacted]") }))

	// A request that fails below the tracing transport, and the http.Client
	// error (a *url.Error) ending the operation's span, wrapped.
	client := &http.Client{Transport: tr.Transport(urlErrTransport{}, "work")}
	opCtx, endOp := tr.StartOp(context.Background(), "discover", "org", "r1.1", "work")
	req, _ := http.NewRequestWithContext(opCtx, "GET", "https://gitlab.example.com/api/v4/groups?private_token="+query, nil)
	_, err := client.Do(req)
	if err == nil {
		t.Fatal("the request did not fail")
	}
	endOp("failed", fmt.Errorf("list org with %s: %w", token, err))

	spans := rec.Spans()
	if len(spans) != 2 {
		t.Fatalf("want 2 spans, got %d", len(spans))
	}
	for _, s := range spans {
		if !s.Failed {
			t.Errorf("span %q not failed", s.Name)
		}
		texts := []string{s.StatusMessage}
		for _, ev := range s.Events {
			for _, a := range ev.Attrs {
				texts = append(texts, fmt.Sprint(a.Value))
			}
		}
		if len(s.Events) == 0 {
			t.Errorf("span %q recorded no error event", s.Name)
		}
		for _, txt := range texts {
			for _, bad := range []string{token, query, "private_token"} {
				if strings.Contains(txt, bad) {
					t.Errorf("span %q leaks %q: %s", s.Name, bad, txt)
				}
			}
		}
		if !strings.Contains(s.StatusMessage, "https://gitlab.example.com/api/v4/groups") {
			t.Errorf("span %q status lost the URL path: %s", s.Name, s.StatusMessage)
		}
	}
}
