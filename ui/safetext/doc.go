// Package safetext makes text from repositories and servers safe to show:
// Sanitize strips terminal control sequences (secure.Sanitize) and masks
// credential shapes (engine/redact.Text, the one list of them). It is the
// one sanitizer of both presenters — the dashboard and ui/headless — and
// of app's messages, so none can drift to a weaker copy.
//
// It is its own package because its two parts live in packages that may
// not import each other (secure imports nothing of the module), and its
// users may not import each other's presenters: ui/headless imports no
// charm.land package, and the dashboard's components should not import
// the headless presenter for a helper. It imports neither presenter.
package safetext
