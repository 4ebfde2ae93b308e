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
	// resource is the attributes of the resource every span belongs to.
	resource []Attr
	// report receives export failures (nil: dropped).
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

// ExportSpans posts one request holding every span. Failures go to report
// (the spans are dropped either way: a trace is not worth a retry queue).
func (e *otlpJSONExporter) ExportSpans(ctx context.Context, spans []SpanData) {
	if err := e.export(ctx, spans); err != nil && e.report != nil {
		e.report(err)
	}
}

func (e *otlpJSONExporter) export(ctx context.Context, spans []SpanData) error {
	if len(spans) == 0 {
		return nil
	}
	body, err := json.Marshal(otlpRequest(e.resource, spans))
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
func (e *otlpJSONExporter) Shutdown() {
	e.client.CloseIdleConnections()
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
		String *string `json:"stringValue,omitempty"`
		Int    *string `json:"intValue,omitempty"`
	}
)

// otlpRequest is one resource (mgit) with one instrumentation scope.
func otlpRequest(resource []Attr, spans []SpanData) otlpTraces {
	out := make([]otlpSpan, 0, len(spans))
	for _, s := range spans {
		out = append(out, otlpSpanOf(s))
	}
	return otlpTraces{ResourceSpans: []otlpResourceSpans{{
		Resource:   otlpResource{Attributes: otlpAttrs(resource)},
		ScopeSpans: []otlpScopeSpans{{Scope: otlpScope{Name: scopeName}, Spans: out}},
	}}}
}

// scopeName is the instrumentation scope of mgit's spans.
const scopeName = "github.com/mgit-dev/mgit"

func otlpSpanOf(s SpanData) otlpSpan {
	span := otlpSpan{
		TraceID:           hex.EncodeToString(s.TraceID[:]),
		SpanID:            hex.EncodeToString(s.SpanID[:]),
		Name:              s.Name,
		Kind:              s.Kind,
		StartTimeUnixNano: unixNano(s.Start),
		EndTimeUnixNano:   unixNano(s.End),
		Attributes:        otlpAttrs(s.Attrs),
	}
	if s.HasParent() {
		span.ParentSpanID = hex.EncodeToString(s.ParentID[:])
	}
	for _, ev := range s.Events {
		span.Events = append(span.Events, otlpEvent{TimeUnixNano: unixNano(ev.Time), Name: ev.Name, Attributes: otlpAttrs(ev.Attrs)})
	}
	if s.Failed {
		span.Status = otlpStatus{Code: 2, Message: s.StatusMessage}
	}
	return span
}

func unixNano(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

func otlpAttrs(kvs []Attr) []otlpKeyValue {
	out := make([]otlpKeyValue, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, otlpKeyValue{Key: kv.Key, Value: otlpValueOf(kv.Value)})
	}
	return out
}

func otlpValueOf(v any) otlpValue {
	switch v := v.(type) {
	case int64:
		s := strconv.FormatInt(v, 10)
		return otlpValue{Int: &s}
	case string:
		return otlpValue{String: &v}
	}
	s := fmt.Sprint(v)
	return otlpValue{String: &s}
}
