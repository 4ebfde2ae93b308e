//go:build !race

package gittest

// RaceEnabled reports whether the binary was built with the race detector.
const RaceEnabled = false
