package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// The standard OpenTelemetry variables that turn tracing on.
const (
	EnvOTLPEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvOTLPTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
)

// Tracing makes the spans of a run: one per run (or sync cycle), one per
// operation, one per provider API request (span.go records them). The zero
// of tracing (no endpoint configured) records nothing: it allocates nothing
// per span and exports nothing.
type Tracing struct {
	enabled  bool
	sample   func([16]byte) bool
	sink     func(SpanData)
	shutdown func(context.Context) error
	redact   func(string) string
	// exportErr receives the exporter's failures (see WithExportErrors).
	exportErr func(error)
}

// TraceOption configures NewTracing and NewTracingRecorded.
type TraceOption func(*Tracing)

// WithRedact masks secrets (the tokens the caller knows) in the error text
// spans record: span data leaves the process, and an error may quote a
// token or a request carrying one.
func WithRedact(redact func(string) string) TraceOption {
	return func(t *Tracing) {
		if redact != nil {
			t.redact = redact
		}
	}
}

// WithExportErrors sends the exporter's failures (a receiver down, a
// refused request) to report, e.g. a logger. Without it they are dropped:
// nothing is printed on stderr, which may be the terminal the dashboard
// draws on.
func WithExportErrors(report func(error)) TraceOption {
	return func(t *Tracing) {
		if report != nil {
			t.exportErr = report
		}
	}
}

func newTracing(enabled bool, opts []TraceOption) *Tracing {
	t := &Tracing{enabled: enabled, sample: func([16]byte) bool { return true }, sink: func(SpanData) {},
		shutdown: func(context.Context) error { return nil },
		redact:   func(s string) string { return s }, exportErr: func(error) {}}
	for _, o := range opts {
		o(t)
	}
	return t
}

// NewTracing exports spans over OTLP/HTTP (JSON encoding) when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set
// in getenv, and is a no-op otherwise. OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT
// and _CERTIFICATE apply (see newOTLPJSONExporter), and so do
// OTEL_TRACES_SAMPLER[_ARG] and OTEL_RESOURCE_ATTRIBUTES (span.go). The
// exporter is mgit's own (otlpjson.go): OpenTelemetry's brings gRPC into
// the binary.
func NewTracing(ctx context.Context, getenv func(string) string, version string, opts ...TraceOption) (*Tracing, error) {
	endpoint := getenv(EnvOTLPTracesEndpoint)
	if endpoint == "" {
		if base := getenv(EnvOTLPEndpoint); base != "" {
			// The base endpoint gets the signal's path appended (OTLP spec).
			endpoint = strings.TrimRight(base, "/") + "/v1/traces"
		}
	}
	if endpoint == "" {
		return newTracing(false, opts), nil
	}
	exp, err := newOTLPJSONExporter(endpoint, getenv)
	if err != nil {
		return nil, fmt.Errorf("trace exporter: %w", err)
	}
	sample, err := samplerFromEnv(getenv)
	if err != nil {
		return nil, fmt.Errorf("trace sampler: %w", err)
	}
	if exp.resource, err = resourceFromEnv(getenv, version); err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	t := newTracing(true, opts)
	exp.report = t.exportErr
	b := newBatcher(exp.ExportSpans, batchQueueSize, batchMaxSize, batchDelay)
	t.sample, t.sink = sample, b.add
	t.shutdown = func(ctx context.Context) error {
		err := b.shutdown(ctx)
		exp.Shutdown()
		return err
	}
	return t, nil
}

// SpanRecorder keeps finished spans in memory (tests: see
// NewTracingRecorded).
type SpanRecorder struct {
	mu    sync.Mutex
	spans []SpanData
}

// Spans returns the spans finished so far, in the order they ended.
func (r *SpanRecorder) Spans() []SpanData {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]SpanData(nil), r.spans...)
}

func (r *SpanRecorder) add(d SpanData) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.spans = append(r.spans, d)
}

// NewTracingRecorded records every span, as it ends, in the returned
// recorder instead of exporting it (tests).
func NewTracingRecorded(opts ...TraceOption) (*Tracing, *SpanRecorder) {
	rec := &SpanRecorder{}
	t := newTracing(true, opts)
	t.sink = rec.add
	return t, rec
}

// Enabled reports whether spans are recorded and exported.
func (t *Tracing) Enabled() bool { return t.enabled }

// Shutdown flushes spans not yet exported, waiting up to ctx.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.shutdown(ctx) }

// End finishes a span, marking it failed when err is not nil.
type End func(err error)

// endSpan records err as redacted text only: the error itself may quote a
// token or a URL whose query carries one.
func (t *Tracing) endSpan(sp *span) End {
	return func(err error) {
		if err != nil {
			sp.fail(t.redact(errorText(err)), true)
		}
		sp.end()
	}
}

// start starts a span, or returns ctx and nil (a span every method of which
// does nothing) with tracing off.
func (t *Tracing) start(ctx context.Context, name string, kind int, attrs []Attr) (context.Context, *span) {
	if !t.enabled {
		return ctx, nil
	}
	return startSpan(ctx, name, kind, t.sample, t.sink, attrs)
}

// errorText is err's message with the query cut from the URL of every
// *url.Error in its chain (an http.Client failure quotes the whole URL, and
// one may wrap another's; an API token may travel as ?private_token=…).
func errorText(err error) string {
	msg := err.Error()
	var ue *url.Error
	for e := err; errors.As(e, &ue); e = ue.Err {
		if u, _, cut := strings.Cut(ue.URL, "?"); cut {
			// url.Error quotes the URL with %q.
			msg = strings.ReplaceAll(msg, strconv.Quote(ue.URL), strconv.Quote(u))
		}
	}
	return msg
}

// StartRun starts the span of a run or a sync cycle ("mgit sync cycle",
// "mgit pull"); operations and requests started with the returned context
// become its children.
func (t *Tracing) StartRun(ctx context.Context, name string) (context.Context, End) {
	ctx, sp := t.start(ctx, name, kindInternal, nil)
	return ctx, t.endSpan(sp)
}

// SetRunID records the engine's run ID on the span in ctx, so a trace can
// be joined with log lines and NDJSON output.
func SetRunID(ctx context.Context, runID string) {
	spanFromContext(ctx).setAttrs(Attr{Key: "mgit.run_id", Value: runID})
}

// StartOp starts the span of one operation on one repository. The
// repository name is a span attribute (traces are per event, so it costs
// nothing in cardinality), never a metric label.
func (t *Tracing) StartOp(ctx context.Context, op, repo, opID, provider string) (context.Context, func(result string, err error)) {
	attrs := []Attr{{Key: "mgit.op", Value: op}, {Key: "mgit.repo", Value: repo}, {Key: "mgit.op_id", Value: opID}}
	if provider != "" {
		attrs = append(attrs, Attr{Key: "mgit.provider", Value: provider})
	}
	ctx, sp := t.start(ctx, op, kindInternal, attrs)
	return ctx, func(result string, err error) {
		sp.setAttrs(Attr{Key: "mgit.result", Value: result})
		t.endSpan(sp)(err)
	}
}

// StartSpan starts an internal span (e.g. "discover" for one provider).
func (t *Tracing) StartSpan(ctx context.Context, name string, attrs map[string]string) (context.Context, End) {
	kv := make([]Attr, 0, len(attrs))
	for k, v := range attrs {
		kv = append(kv, Attr{Key: k, Value: v})
	}
	ctx, sp := t.start(ctx, name, kindInternal, kv)
	return ctx, t.endSpan(sp)
}

// Transport wraps base (nil: http.DefaultTransport) so every request made
// with it gets a client span, a child of the span in the request's context.
// Only method, host and path are recorded: the query may carry secrets.
// With tracing off it returns base unchanged.
func (t *Tracing) Transport(base http.RoundTripper, provider string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if !t.enabled {
		return base
	}
	return &tracingTransport{t: t, base: base, provider: provider}
}

type tracingTransport struct {
	t        *Tracing
	base     http.RoundTripper
	provider string
}

func (tt *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The attribute names are OpenTelemetry's HTTP semantic conventions.
	ctx, sp := tt.t.start(req.Context(), req.Method+" "+req.URL.Host, kindClient, []Attr{
		{Key: "http.request.method", Value: req.Method},
		{Key: "server.address", Value: req.URL.Hostname()},
		{Key: "url.path", Value: req.URL.Path},
		{Key: "mgit.provider", Value: tt.provider},
	})
	resp, err := tt.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		tt.t.endSpan(sp)(err)
		return nil, err
	}
	sp.setAttrs(Attr{Key: "http.response.status_code", Value: int64(resp.StatusCode)})
	if resp.StatusCode >= 500 {
		sp.fail(resp.Status, false)
	}
	// The span ends when the headers arrived: the provider client reads
	// the (small) body at once, and ending on Body.Close would need a
	// wrapper that must forward every optional interface.
	sp.end()
	return resp, nil
}
