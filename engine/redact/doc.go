// Package redact is the one home of what mgit treats as secret in text and
// URLs: the provider token shapes (ghp_…, glpat-…, ATBB…, Azure DevOps
// PATs, …), the names of query parameters and configuration keys that
// carry credentials, and the functions that mask them (Text, URL, Param).
// Every writer of logs, errors, caches and URLs reaches the list through
// this package, so a shape added here is masked everywhere at once.
//
// Why here, a leaf under engine/: the engine (provider errors, the state
// cache, workspace URLs) must redact without importing secure, and secure
// must import nothing of the module. A leaf that imports only the standard
// library is the one place both rules allow the engine to read the list
// directly, so the engine's redaction is safe by default with nothing
// wired. secure's Redactor, which adds the values registered at run time,
// receives this package's Text as its shape masker from the composition
// root (app), which imports both; secure keeps no list of its own, and a
// Redactor built without a masker falls back to masking every long
// token-like word rather than to masking nothing.
//
// Paging cursors (Azure DevOps's continuationToken, GitLab's keyset
// cursors) are not credentials: they pass, so the listing cache can keep
// paged responses and errors stay readable.
package redact
