package telemetry

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// mgit records its spans itself rather than through the OpenTelemetry SDK:
// the spans it makes are few and simple (a run, its operations, their
// provider requests), and the SDK with the API, semconv and their
// dependencies was 39 packages and 0.78 MB of every binary for an opt-in
// feature. What it keeps of the SDK's behaviour: W3C-sized random IDs, a
// parent-based sampler read from OTEL_TRACES_SAMPLER, the resource from
// OTEL_RESOURCE_ATTRIBUTES, batched export (batch.go), and error events
// shaped as the SDK's RecordError shapes them.

// Span kinds, numbered as OTLP numbers them.
const (
	kindInternal = 1
	kindClient   = 3
)

// Attr is a span or resource attribute. Value is a string or an int64.
type Attr struct {
	Key   string
	Value any
}

// SpanEvent is an event on a span (mgit records only "exception").
type SpanEvent struct {
	Time  time.Time
	Name  string
	Attrs []Attr
}

// SpanData is a finished span, as exported.
type SpanData struct {
	TraceID  [16]byte
	SpanID   [8]byte
	ParentID [8]byte // zero for a root span
	Name     string
	// Kind is OTLP's SpanKind: 1 internal, 3 client.
	Kind       int
	Start, End time.Time
	Attrs      []Attr
	Events     []SpanEvent
	// Failed is OTLP's status code Error; StatusMessage says why.
	Failed        bool
	StatusMessage string
}

// HasParent reports whether the span is a child.
func (d SpanData) HasParent() bool { return d.ParentID != [8]byte{} }

// Attr returns the value of the attribute key as text ("" when absent).
func (d SpanData) Attr(key string) string {
	for _, a := range d.Attrs {
		if a.Key == key {
			return fmt.Sprint(a.Value)
		}
	}
	return ""
}

// span is a span being recorded. A span that is not sampled is kept in the
// context all the same, so that its children share its trace and decision.
type span struct {
	sink    func(SpanData)
	sampled bool
	mu      sync.Mutex
	ended   bool
	data    SpanData
}

type spanKey struct{}

func spanFromContext(ctx context.Context) *span {
	s, _ := ctx.Value(spanKey{}).(*span)
	return s
}

// startSpan starts a child of the span in ctx, or a root span deciding by
// sample whether its trace is recorded.
func startSpan(ctx context.Context, name string, kind int, sample func([16]byte) bool, sink func(SpanData), attrs []Attr) (context.Context, *span) {
	s := &span{sink: sink, data: SpanData{Name: name, Kind: kind, Attrs: attrs}}
	if parent := spanFromContext(ctx); parent != nil {
		s.data.TraceID, s.data.ParentID, s.sampled = parent.data.TraceID, parent.data.SpanID, parent.sampled
	} else {
		s.data.TraceID = newTraceID()
		s.sampled = sample(s.data.TraceID)
	}
	binary.BigEndian.PutUint64(s.data.SpanID[:], nonZero())
	s.data.Start = time.Now()
	return context.WithValue(ctx, spanKey{}, s), s
}

func newTraceID() [16]byte {
	var id [16]byte
	binary.BigEndian.PutUint64(id[:8], rand.Uint64())
	binary.BigEndian.PutUint64(id[8:], nonZero())
	return id
}

// nonZero is a random 64-bit number other than 0 (an all-zero ID is invalid).
func nonZero() uint64 {
	for {
		if n := rand.Uint64(); n != 0 {
			return n
		}
	}
}

func (s *span) setAttrs(attrs ...Attr) {
	if s == nil || !s.sampled {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.data.Attrs = append(s.data.Attrs, attrs...)
	}
}

// fail marks the span failed with msg and records msg as an exception event,
// the shape of the SDK's SetStatus(Error) + RecordError(errors.New(msg)).
func (s *span) fail(msg string, event bool) {
	if s == nil || !s.sampled {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.data.Failed, s.data.StatusMessage = true, msg
	if event {
		s.data.Events = append(s.data.Events, SpanEvent{Time: time.Now(), Name: "exception", Attrs: []Attr{
			{Key: "exception.type", Value: "*errors.errorString"},
			{Key: "exception.message", Value: msg},
		}})
	}
}

// end finishes the span once; a sampled span goes to the sink.
func (s *span) end() {
	if s == nil || !s.sampled {
		return
	}
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	s.data.End = time.Now()
	d := s.data
	s.mu.Unlock()
	s.sink(d)
}

// samplerFromEnv reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG as
// the SDK does. Every span of a trace shares its root's decision: mgit
// receives no remote parent, so the parentbased_ samplers decide as their
// root sampler, and a trace-ID ratio decides the same for every span of a
// trace. A value the SDK would report and replace is refused.
func samplerFromEnv(getenv func(string) string) (func([16]byte) bool, error) {
	always := func([16]byte) bool { return true }
	name := strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER")))
	switch name {
	case "", "always_on", "parentbased_always_on":
		return always, nil
	case "always_off", "parentbased_always_off":
		return func([16]byte) bool { return false }, nil
	case "traceidratio", "parentbased_traceidratio":
	default:
		return nil, fmt.Errorf("OTEL_TRACES_SAMPLER=%s: want always_on, always_off, traceidratio or their parentbased_ forms", name)
	}
	ratio := 1.0
	if arg := strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER_ARG")); arg != "" {
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || r < 0 || r > 1 {
			return nil, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG=%q: want a ratio from 0 to 1", arg)
		}
		ratio = r
	}
	if ratio >= 1 {
		return always, nil
	}
	// The SDK's TraceIDRatioBased: the low 63 bits of the trace ID's last
	// eight bytes below ratio·2⁶³.
	bound := uint64(ratio * (1 << 63))
	return func(id [16]byte) bool { return binary.BigEndian.Uint64(id[8:])>>1 < bound }, nil
}

// resourceFromEnv is mgit's service resource, with the attributes of
// OTEL_RESOURCE_ATTRIBUTES (key=value pairs, values percent-decoded) that
// do not name service.name or service.version: as with the SDK, mgit's own
// win (OTEL_SERVICE_NAME is ignored for the same reason).
func resourceFromEnv(getenv func(string) string, version string) ([]Attr, error) {
	res := []Attr{{Key: "service.name", Value: "mgit"}, {Key: "service.version", Value: version}}
	raw := strings.TrimSpace(getenv("OTEL_RESOURCE_ATTRIBUTES"))
	if raw == "" {
		return res, nil
	}
	for _, pair := range strings.Split(raw, ",") {
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: want key=value pairs separated by commas")
		}
		if k == "service.name" || k == "service.version" {
			continue
		}
		v = strings.TrimSpace(v)
		if dv, err := url.PathUnescape(v); err == nil {
			v = dv
		}
		res = append(res, Attr{Key: k, Value: v})
	}
	return res, nil
}
