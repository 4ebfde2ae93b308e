// Package prompt is a one-line question with a text answer (the branch
// name of the checkout action). Like confirm, it does not act: it returns
// the answer and the caller's intent, and the root model acts on them.
package prompt
