// Package header is the dashboard's top line: the workspace, the counts
// of repositories by state, and the live throughput of finished
// operations.
package header
