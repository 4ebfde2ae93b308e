// Command mgit runs git across many repositories at once. See README.md and
// `mgit --help`; everything but signal handling lives in package app.
package main
