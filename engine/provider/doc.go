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
//
// Kinds (kinds.go) is the one table of provider-kind facts — API base,
// public git host, git user name, conventional token variables, credential
// helper, what the configuration must give — that the configuration, the
// credential store's wiring and the credential routing read. FanOut sends
// one query to every configured provider at once (Narrow picks them by
// --provider); one provider's failure leaves the others' answers.
package provider
