package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// The standard OpenTelemetry variables that turn tracing on.
const (
	EnvOTLPEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvOTLPTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
)

const tracerName = "github.com/mgit-dev/mgit"

// Tracing makes the spans of a run: one per run (or sync cycle), one per
// operation, one per provider API request. It never touches OpenTelemetry's
// process-wide globals; the zero of tracing (no endpoint configured) is a
// no-op tracer that allocates nothing per span and exports nothing.
type Tracing struct {
	tracer   trace.Tracer
	enabled  bool
	shutdown func(context.Context) error
	redact   func(string) string
	// exportErr receives the exporter's failures (see WithExportErrors).
	exportErr func(error)
}

// TraceOption configures NewTracing and NewTracingWith.
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
// OpenTelemetry's default would print them on stderr, which may be the
// terminal the dashboard draws on.
func WithExportErrors(report func(error)) TraceOption {
	return func(t *Tracing) {
		if report != nil {
			t.exportErr = report
		}
	}
}

func newTracing(tracer trace.Tracer, enabled bool, shutdown func(context.Context) error, opts []TraceOption) *Tracing {
	t := &Tracing{tracer: tracer, enabled: enabled, shutdown: shutdown, redact: func(s string) string { return s },
		exportErr: func(error) {}}
	for _, o := range opts {
		o(t)
	}
	return t
}

// NewTracing exports spans over OTLP/HTTP (JSON encoding) when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set
// in getenv, and is a no-op otherwise. OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT
// and _CERTIFICATE apply (see newOTLPJSONExporter). The exporter is mgit's
// own (otlpjson.go): OpenTelemetry's brings gRPC into the binary.
func NewTracing(ctx context.Context, getenv func(string) string, version string, opts ...TraceOption) (*Tracing, error) {
	endpoint := getenv(EnvOTLPTracesEndpoint)
	if endpoint == "" {
		if base := getenv(EnvOTLPEndpoint); base != "" {
			// The base endpoint gets the signal's path appended (OTLP spec).
			endpoint = strings.TrimRight(base, "/") + "/v1/traces"
		}
	}
	if endpoint == "" {
		return newTracing(noop.NewTracerProvider().Tracer(tracerName), false, func(context.Context) error { return nil }, opts), nil
	}
	exp, err := newOTLPJSONExporter(endpoint, getenv)
	if err != nil {
		return nil, fmt.Errorf("trace exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewWithAttributes(semconv.SchemaURL,
			semconv.ServiceName("mgit"), semconv.ServiceVersion(version))),
	)
	t := newTracing(tp.Tracer(tracerName), true, tp.Shutdown, opts)
	exp.report = t.exportErr
	return t, nil
}

// NewTracingWith uses tp (tests: a provider with an in-memory exporter).
func NewTracingWith(tp trace.TracerProvider, opts ...TraceOption) *Tracing {
	return newTracing(tp.Tracer(tracerName), true, func(context.Context) error { return nil }, opts)
}

// Enabled reports whether spans are recorded and exported.
func (t *Tracing) Enabled() bool { return t.enabled }

// Shutdown flushes spans not yet exported, waiting up to ctx.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.shutdown(ctx) }

// End finishes a span, marking it failed when err is not nil.
type End func(err error)

// endSpan records err as redacted text only: the error itself may quote a
// token or a URL whose query carries one.
func (t *Tracing) endSpan(span trace.Span) End {
	return func(err error) {
		if err != nil {
			msg := t.redact(errorText(err))
			span.SetStatus(codes.Error, msg)
			span.RecordError(errors.New(msg))
		}
		span.End()
	}
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
	ctx, span := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal))
	return ctx, t.endSpan(span)
}

// SetRunID records the engine's run ID on the span in ctx, so a trace can
// be joined with log lines and NDJSON output.
func SetRunID(ctx context.Context, runID string) {
	trace.SpanFromContext(ctx).SetAttributes(attribute.String("mgit.run_id", runID))
}

// StartOp starts the span of one operation on one repository. The
// repository name is a span attribute (traces are per event, so it costs
// nothing in cardinality), never a metric label.
func (t *Tracing) StartOp(ctx context.Context, op, repo, opID, provider string) (context.Context, func(result string, err error)) {
	attrs := []attribute.KeyValue{
		attribute.String("mgit.op", op),
		attribute.String("mgit.repo", repo),
		attribute.String("mgit.op_id", opID),
	}
	if provider != "" {
		attrs = append(attrs, attribute.String("mgit.provider", provider))
	}
	ctx, span := t.tracer.Start(ctx, op, trace.WithAttributes(attrs...))
	return ctx, func(result string, err error) {
		span.SetAttributes(attribute.String("mgit.result", result))
		t.endSpan(span)(err)
	}
}

// StartSpan starts an internal span (e.g. "discover" for one provider).
func (t *Tracing) StartSpan(ctx context.Context, name string, attrs map[string]string) (context.Context, End) {
	kv := make([]attribute.KeyValue, 0, len(attrs))
	for k, v := range attrs {
		kv = append(kv, attribute.String(k, v))
	}
	ctx, span := t.tracer.Start(ctx, name, trace.WithAttributes(kv...))
	return ctx, t.endSpan(span)
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
	ctx, span := tt.t.tracer.Start(req.Context(), req.Method+" "+req.URL.Host,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			semconv.HTTPRequestMethodKey.String(req.Method),
			semconv.ServerAddress(req.URL.Hostname()),
			semconv.URLPath(req.URL.Path),
			attribute.String("mgit.provider", tt.provider),
		))
	resp, err := tt.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		tt.t.endSpan(span)(err)
		return nil, err
	}
	span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
	if resp.StatusCode >= 500 {
		span.SetStatus(codes.Error, resp.Status)
	}
	// The span ends when the headers arrived: the provider client reads
	// the (small) body at once, and ending on Body.Close would need a
	// wrapper that must forward every optional interface.
	span.End()
	return resp, nil
}
