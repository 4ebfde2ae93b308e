//go:build race

package gitobj

const raceEnabled = true
