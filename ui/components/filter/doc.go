// Package filter is the `/` input: it filters as the user types and tells
// the caller when the text changed or editing ended.
package filter
