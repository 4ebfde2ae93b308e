// Package telemetry owns how mgit reports on itself: the zerolog logger
// setup (log.go; humanlog.go for a person's terminal), the Prometheus
// metrics on a registry the caller passes in (metrics.go), the HTTP
// listener serving /metrics, /healthz and /readyz (server.go), and
// OpenTelemetry tracing, opt-in through
// OTEL_EXPORTER_OTLP_ENDPOINT (trace.go): spans recorded in-house (span.go),
// batched (batch.go) and exported as OTLP/HTTP JSON (otlpjson.go), without
// the OpenTelemetry SDK.
//
// telemetry is a leaf: it imports nothing from the module, so the engine can
// stay free of it. Its methods take plain strings and durations; the app
// package adapts the engine's Observer/OpTracer hooks and the providers'
// Observe hook to them.
package telemetry
