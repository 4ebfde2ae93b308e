// Package sync is the long-running mirror loop behind `mgit sync`: every
// interval it lists the repositories to keep (through a Lister), keeps its
// shard of them, and clones the missing ones or updates the present ones
// through the engine, whose update mode decides which.
//
// The loop owns the cycle schedule (cycles never overlap; the next starts
// an interval after the previous one started), the grace period a stop
// gives the cycle in progress, sharding (Shard), the result of a cycle
// (CycleOutcome: facts; app maps them to an exit status), readiness after it (Health), the heartbeat that /healthz
// watches, and the per-repository state and failing-streak numbers
// (Metrics). It declares the small interfaces it consumes; the command in
// app wires the providers, the engine and telemetry to them, so nothing
// here imports telemetry, secure or a user interface.
package sync
