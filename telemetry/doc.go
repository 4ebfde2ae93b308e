// Package telemetry owns how mgit reports on itself: for now the zerolog
// logger setup (JSON lines or a console format, to a writer the caller
// chooses). Later it also holds Prometheus metrics and the HTTP listener.
//
// telemetry is a leaf: it imports nothing from the module, so the engine can
// stay free of it and main wires the two together.
package telemetry
