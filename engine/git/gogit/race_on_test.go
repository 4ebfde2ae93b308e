//go:build race

package gogit_test

// raceEnabled: the race detector's shadow memory multiplies a process's
// resident size, so memory measurements mean nothing under it.
const raceEnabled = true
