// Package header is the dashboard's top line: the workspace, the counts
// of repositories by state, and, while work runs, the live throughput of
// finished operations and the engine's network concurrency ("net 12").
package header
