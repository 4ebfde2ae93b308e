// Package confirm is a yes/no dialog. It does not act: it reports the
// answer and the caller's intent back, and the root model acts on it.
package confirm
