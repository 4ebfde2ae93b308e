// Package workspace knows where repositories live on disk: it discovers the
// repositories under a root directory and computes where a clone of a remote
// URL belongs (the layout), refusing any destination that would escape the
// root.
package workspace
