package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestSpanTree(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tr := NewTracingWith(tp)

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

	spans := exp.GetSpans()
	if len(spans) != 4 {
		t.Fatalf("want 4 spans, got %d", len(spans))
	}
	byName := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		byName[s.Name] = s
	}
	run, op, reqSpan, clone := byName["mgit sync cycle"], byName["discover"], byName["GET "+api.Listener.Addr().String()], byName["clone"]
	if !run.SpanContext.IsValid() || !op.SpanContext.IsValid() || !reqSpan.SpanContext.IsValid() {
		t.Fatalf("missing spans: %v", byName)
	}
	if run.Parent.IsValid() {
		t.Error("run span has a parent")
	}
	if op.Parent.SpanID() != run.SpanContext.SpanID() || clone.Parent.SpanID() != run.SpanContext.SpanID() {
		t.Error("operation spans are not children of the run")
	}
	if reqSpan.Parent.SpanID() != op.SpanContext.SpanID() {
		t.Error("request span is not a child of the operation")
	}
	if reqSpan.SpanKind != trace.SpanKindClient {
		t.Errorf("request span kind %v", reqSpan.SpanKind)
	}
	for _, a := range reqSpan.Attributes {
		if v := a.Value.String(); len(v) > 0 && (strings.Contains(v, "secret") || strings.Contains(v, "access_token")) {
			t.Errorf("request span leaks the query: %s=%s", a.Key, v)
		}
	}
	if clone.Status.Code.String() != "Error" {
		t.Errorf("failed op span status %v", clone.Status)
	}
	found := false
	for _, a := range run.Attributes {
		found = found || (a.Key == "mgit.run_id" && a.Value.AsString() == "r1-1")
	}
	if !found {
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
	if trace.SpanFromContext(ctx).SpanContext().IsValid() {
		t.Error("a no-op tracer made a real span")
	}
	end(nil)
}

// TestTracingExportsOTLPHTTP: with the endpoint set, spans reach an OTLP/HTTP
// receiver at <endpoint>/v1/traces when tracing shuts down.
func TestTracingExportsOTLPHTTP(t *testing.T) {
	var posts atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			posts.Add(1)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(200)
	}))
	defer recv.Close()
	env := map[string]string{EnvOTLPEndpoint: recv.URL}
	tr, err := NewTracing(context.Background(), func(k string) string { return env[k] }, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Enabled() {
		t.Fatal("tracing off with an endpoint")
	}
	_, end := tr.StartRun(context.Background(), "run")
	end(nil)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if posts.Load() == 0 {
		t.Error("no spans exported to /v1/traces")
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
	exp := tracetest.NewInMemoryExporter()
	tr := NewTracingWith(sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp)),
		WithRedact(func(s string) string { return strings.ReplaceAll(s, token, "[redacted]") }))

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

	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("want 2 spans, got %d", len(spans))
	}
	for _, s := range spans {
		if s.Status.Code != codes.Error {
			t.Errorf("span %q status %v, want Error", s.Name, s.Status.Code)
		}
		texts := []string{s.Status.Description}
		for _, ev := range s.Events {
			for _, a := range ev.Attributes {
				texts = append(texts, a.Value.String())
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
		if !strings.Contains(s.Status.Description, "https://gitlab.example.com/api/v4/groups") {
			t.Errorf("span %q status lost the URL path: %s", s.Name, s.Status.Description)
		}
	}
}
