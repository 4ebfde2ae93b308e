package telemetry

import (
	"context"
	"errors"
	"testing"
)

// TestSampler: OTEL_TRACES_SAMPLER as the SDK reads it, the trace-ID ratio
// on the same bits, and values the SDK would only complain about refused.
func TestSampler(t *testing.T) {
	low := [16]byte{}                                                                              // ratio position 0
	high := [16]byte{8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xff} // position ~1
	mid := [16]byte{8: 0x40}                                                                       // position 0.25 (0x40… >> 1 over 2⁶³)
	for _, c := range []struct {
		sampler, arg   string
		low, mid, high bool
	}{
		{"", "", true, true, true},
		{"always_on", "", true, true, true},
		{"parentbased_always_off", "", false, false, false},
		{"traceidratio", "", true, true, true},
		{"TraceIDRatio", "0.5", true, true, false},
		{"parentbased_traceidratio", "0.2", true, false, false},
		{"traceidratio", "0", false, false, false},
	} {
		env := map[string]string{"OTEL_TRACES_SAMPLER": c.sampler, "OTEL_TRACES_SAMPLER_ARG": c.arg}
		sample, err := samplerFromEnv(func(k string) string { return env[k] })
		if err != nil {
			t.Errorf("%s %s: %v", c.sampler, c.arg, err)
			continue
		}
		if sample(low) != c.low || sample(mid) != c.mid || sample(high) != c.high {
			t.Errorf("%s %s: low %v mid %v high %v, want %v %v %v", c.sampler, c.arg,
				sample(low), sample(mid), sample(high), c.low, c.mid, c.high)
		}
	}
	for _, env := range []map[string]string{
		{"OTEL_TRACES_SAMPLER": "jaeger_remote"},
		{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"},
		{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "half"},
	} {
		if _, err := samplerFromEnv(func(k string) string { return env[k] }); err == nil {
			t.Errorf("%v accepted", env)
		}
	}
}

// TestUnsampledTrace: a trace its root did not sample records no span at
// all, its children included, and exports nothing.
func TestUnsampledTrace(t *testing.T) {
	tr, rec := NewTracingRecorded()
	tr.sample = func([16]byte) bool { return false }
	ctx, end := tr.StartRun(context.Background(), "run")
	SetRunID(ctx, "r1")
	_, endOp := tr.StartOp(ctx, "fetch", "acme/api", "op-1", "")
	endOp("failed", errors.New("boom"))
	end(nil)
	if spans := rec.Spans(); len(spans) != 0 {
		t.Errorf("unsampled trace recorded %d spans", len(spans))
	}
}

// TestSpanEndsOnce: a span ended twice is recorded once, and attributes set
// after the end are not.
func TestSpanEndsOnce(t *testing.T) {
	tr, rec := NewTracingRecorded()
	ctx, end := tr.StartRun(context.Background(), "run")
	end(nil)
	end(errors.New("late"))
	SetRunID(ctx, "late")
	spans := rec.Spans()
	if len(spans) != 1 || spans[0].Failed || spans[0].Attr("mgit.run_id") != "" {
		t.Errorf("spans %+v", spans)
	}
}

// TestResourceFromEnv: OTEL_RESOURCE_ATTRIBUTES adds to mgit's resource
// (values percent-decoded) but cannot rename the service.
func TestResourceFromEnv(t *testing.T) {
	env := map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod, service.name=other,k8s.pod.name=a%20b"}
	res, err := resourceFromEnv(func(k string) string { return env[k] }, "v1")
	if err != nil {
		t.Fatal(err)
	}
	got := SpanData{Attrs: res}
	if got.Attr("service.name") != "mgit" || got.Attr("service.version") != "v1" ||
		got.Attr("deployment.environment") != "prod" || got.Attr("k8s.pod.name") != "a b" || len(res) != 4 {
		t.Errorf("resource %v", res)
	}
	env["OTEL_RESOURCE_ATTRIBUTES"] = "novalue"
	if _, err := resourceFromEnv(func(k string) string { return env[k] }, "v1"); err == nil {
		t.Error("a pair without = accepted")
	}
}
