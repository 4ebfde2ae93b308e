// Package provider lists repositories from hosting services — GitHub (and
// GitHub Enterprise), Azure DevOps (Services and Server), Bitbucket (Cloud
// and Data Center), GitLab and Gitea/Forgejo — behind one interface, and
// matches them against mgit's org/project/repo glob query.
//
// Every provider pages to the end, honours rate limits (Retry-After,
// X-RateLimit-Remaining/Reset, 429, GitHub's secondary-limit 403), retries
// transient failures with backoff and jitter, puts a timeout on every request
// and, where the API supports it, makes conditional requests (ETag) against
// a discovery cache so a repeated listing costs nothing.
package provider
