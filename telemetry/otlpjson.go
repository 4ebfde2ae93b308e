package telemetry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// otlpJSONExporter sends spans to an OTLP/HTTP receiver in OTLP's JSON
// encoding (opentelemetry.io/docs/specs/otlp: "JSON Protobuf Encoding",
// POST <endpoint> with Content-Type application/json). Every OTLP/HTTP
// receiver (the Collector, Jaeger, Tempo, vendors) accepts it. The
// OpenTelemetry exporter package would pull gRPC and its protobuf stubs
// (156 of the binary's 411 packages) into every build for an opt-in
// feature; this file is what mgit needs of it.
type otlpJSONExporter struct {
	endpoint string
	header   http.Header
	client   *http.Client
	// report receives export failures. ExportSpans returns nil after
	// reporting: the SDK would hand an error to OpenTelemetry's global
	// handler, which prints to stderr.
	report func(error)
}

// newOTLPJSONExporter reads the standard variables the exporter honours: the
// endpoint (given), headers (OTEL_EXPORTER_OTLP_[TRACES_]HEADERS), timeout
// (…_TIMEOUT, milliseconds) and a CA certificate (…_CERTIFICATE). A
// protocol other than http/json or http/protobuf, or a client
// certificate, is refused at start-up rather than ignored.
func newOTLPJSONExporter(endpoint string, getenv func(string) string) (*otlpJSONExporter, error) {
	get := func(name string) string {
		if v := getenv("OTEL_EXPORTER_OTLP_TRACES_" + name); v != "" {
			return v
		}
		return getenv("OTEL_EXPORTER_OTLP_" + name)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("trace endpoint %q: want an http:// or https:// URL", redactEndpoint(endpoint))
	}
	switch p := get("PROTOCOL"); p {
	case "", "http/json", "http/protobuf":
		// http/protobuf receivers take JSON on the same path.
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=%s: mgit exports traces over OTLP/HTTP only (set it to http/json or unset it)", p)
	}
	if get("CLIENT_CERTIFICATE") != "" || get("CLIENT_KEY") != "" {
		return nil, errors.New("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE/CLIENT_KEY: client certificates are not supported; " +
			"send traces through a local OpenTelemetry Collector that holds them")
	}
	header := http.Header{}
	if raw := get("HEADERS"); raw != "" {
		for _, kv := range strings.Split(raw, ",") {
			k, v, ok := strings.Cut(kv, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_HEADERS: want key=value pairs separated by commas")
			}
			if dv, err := url.QueryUnescape(strings.TrimSpace(v)); err == nil {
				v = dv
			}
			header.Add(k, v)
		}
	}
	timeout := 10 * time.Second
	if raw := get("TIMEOUT"); raw != "" {
		ms, err := strconv.Atoi(raw)
		if err != nil || ms <= 0 {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_TIMEOUT=%q: want milliseconds, e.g. 10000", raw)
		}
		timeout = time.Duration(ms) * time.Millisecond
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if ca := get("CERTIFICATE"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CERTIFICATE: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CERTIFICATE %s: no PEM certificate in it", ca)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &otlpJSONExporter{
		endpoint: u.String(),
		header:   header,
		client: &http.Client{
			Transport: tr,
			Timeout:   timeout,
			// The headers often carry an API key: never re-send them to
			// wherever a redirect points.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// redactEndpoint keeps an endpoint's userinfo and query out of messages.
func redactEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

// ExportSpans posts one request holding every span, grouped by resource
// and instrumentation scope. Failures go to report (the spans are dropped
// either way: a trace is not worth a retry queue).
func (e *otlpJSONExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := e.export(ctx, spans); err != nil && e.report != nil {
		e.report(err)
	}
	return nil
}

func (e *otlpJSONExporter) export(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	body, err := json.Marshal(otlpRequest(spans))
	if err != nil {
		return fmt.Errorf("encode spans: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range e.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		// *url.Error quotes the whole endpoint, query and userinfo too.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("export spans to %s: %w", redactEndpoint(e.endpoint), err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("export spans to %s: %s", redactEndpoint(e.endpoint), resp.Status)
	}
	return nil
}

// Shutdown has nothing to flush: the batcher in front calls ExportSpans.
func (e *otlpJSONExporter) Shutdown(context.Context) error {
	e.client.CloseIdleConnections()
	return nil
}

// The OTLP JSON shapes (opentelemetry-proto, trace/v1), only the fields
// mgit's spans fill. IDs are hex strings and 64-bit integers decimal
// strings, as the JSON mapping requires.
type (
	otlpTraces struct {
		ResourceSpans []otlpResourceSpans `json:"resourceSpans"`
	}
	otlpResourceSpans struct {
		Resource   otlpResource     `json:"resource"`
		ScopeSpans []otlpScopeSpans `json:"scopeSpans"`
	}
	otlpResource struct {
		Attributes []otlpKeyValue `json:"attributes,omitempty"`
	}
	otlpScopeSpans struct {
		Scope otlpScope  `json:"scope"`
		Spans []otlpSpan `json:"spans"`
	}
	otlpScope struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
	}
	otlpSpan struct {
		TraceID           string         `json:"traceId"`
		SpanID            string         `json:"spanId"`
		ParentSpanID      string         `json:"parentSpanId,omitempty"`
		Name              string         `json:"name"`
		Kind              int            `json:"kind"`
		StartTimeUnixNano string         `json:"startTimeUnixNano"`
		EndTimeUnixNano   string         `json:"endTimeUnixNano"`
		Attributes        []otlpKeyValue `json:"attributes,omitempty"`
		Events            []otlpEvent    `json:"events,omitempty"`
		Status            otlpStatus     `json:"status"`
	}
	otlpEvent struct {
		TimeUnixNano string         `json:"timeUnixNano"`
		Name         string         `json:"name"`
		Attributes   []otlpKeyValue `json:"attributes,omitempty"`
	}
	otlpStatus struct {
		Code    int    `json:"code,omitempty"`
		Message string `json:"message,omitempty"`
	}
	otlpKeyValue struct {
		Key   string    `json:"key"`
		Value otlpValue `json:"value"`
	}
	otlpValue struct {
		String *string      `json:"stringValue,omitempty"`
		Bool   *bool        `json:"boolValue,omitempty"`
		Int    *string      `json:"intValue,omitempty"`
		Double *float64     `json:"doubleValue,omitempty"`
		Array  *otlpArrayKV `json:"arrayValue,omitempty"`
	}
	otlpArrayKV struct {
		Values []otlpValue `json:"values"`
	}
)

func otlpRequest(spans []sdktrace.ReadOnlySpan) otlpTraces {
	type scopeKey struct{ res, name, version string }
	var out otlpTraces
	resIndex := map[string]int{}
	scopeIndex := map[scopeKey]int{}
	for _, s := range spans {
		res := s.Resource()
		rk := res.Encoded(attribute.DefaultEncoder())
		ri, ok := resIndex[rk]
		if !ok {
			ri = len(out.ResourceSpans)
			resIndex[rk] = ri
			out.ResourceSpans = append(out.ResourceSpans, otlpResourceSpans{Resource: otlpResource{Attributes: otlpAttrs(res.Attributes())}})
		}
		scope := s.InstrumentationScope()
		sk := scopeKey{rk, scope.Name, scope.Version}
		si, ok := scopeIndex[sk]
		rs := &out.ResourceSpans[ri]
		if !ok {
			si = len(rs.ScopeSpans)
			scopeIndex[sk] = si
			rs.ScopeSpans = append(rs.ScopeSpans, otlpScopeSpans{Scope: otlpScope{Name: scope.Name, Version: scope.Version}})
		}
		rs.ScopeSpans[si].Spans = append(rs.ScopeSpans[si].Spans, otlpSpanOf(s))
	}
	return out
}

func otlpSpanOf(s sdktrace.ReadOnlySpan) otlpSpan {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	span := otlpSpan{
		TraceID:           hex.EncodeToString(tid[:]),
		SpanID:            hex.EncodeToString(sid[:]),
		Name:              s.Name(),
		Kind:              otlpKind(s.SpanKind()),
		StartTimeUnixNano: unixNano(s.StartTime()),
		EndTimeUnixNano:   unixNano(s.EndTime()),
		Attributes:        otlpAttrs(s.Attributes()),
	}
	if p := s.Parent(); p.SpanID().IsValid() {
		pid := p.SpanID()
		span.ParentSpanID = hex.EncodeToString(pid[:])
	}
	for _, ev := range s.Events() {
		span.Events = append(span.Events, otlpEvent{TimeUnixNano: unixNano(ev.Time), Name: ev.Name, Attributes: otlpAttrs(ev.Attributes)})
	}
	switch st := s.Status(); st.Code {
	case codes.Error:
		span.Status = otlpStatus{Code: 2, Message: st.Description}
	case codes.Ok:
		span.Status = otlpStatus{Code: 1}
	}
	return span
}

// otlpKind maps the API's span kinds to OTLP's SpanKind numbers (the API
// numbers them from Unspecified=0 as OTLP does, but say so explicitly).
func otlpKind(k trace.SpanKind) int {
	switch k {
	case trace.SpanKindInternal:
		return 1
	case trace.SpanKindServer:
		return 2
	case trace.SpanKindClient:
		return 3
	case trace.SpanKindProducer:
		return 4
	case trace.SpanKindConsumer:
		return 5
	}
	return 0
}

func unixNano(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

func otlpAttrs(kvs []attribute.KeyValue) []otlpKeyValue {
	out := make([]otlpKeyValue, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, otlpKeyValue{Key: string(kv.Key), Value: otlpValueOf(kv.Value)})
	}
	return out
}

func otlpValueOf(v attribute.Value) otlpValue {
	switch v.Type() {
	case attribute.BOOL:
		b := v.AsBool()
		return otlpValue{Bool: &b}
	case attribute.INT64:
		s := strconv.FormatInt(v.AsInt64(), 10)
		return otlpValue{Int: &s}
	case attribute.FLOAT64:
		f := v.AsFloat64()
		return otlpValue{Double: &f}
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE, attribute.STRINGSLICE:
		var vals []otlpValue
		switch v.Type() {
		case attribute.BOOLSLICE:
			for _, b := range v.AsBoolSlice() {
				vals = append(vals, otlpValueOf(attribute.BoolValue(b)))
			}
		case attribute.INT64SLICE:
			for _, i := range v.AsInt64Slice() {
				vals = append(vals, otlpValueOf(attribute.Int64Value(i)))
			}
		case attribute.FLOAT64SLICE:
			for _, f := range v.AsFloat64Slice() {
				vals = append(vals, otlpValueOf(attribute.Float64Value(f)))
			}
		default:
			for _, s := range v.AsStringSlice() {
				vals = append(vals, otlpValueOf(attribute.StringValue(s)))
			}
		}
		return otlpValue{Array: &otlpArrayKV{Values: vals}}
	}
	s := v.AsString()
	return otlpValue{String: &s}
}
