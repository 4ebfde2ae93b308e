//go:build !race

package gogit_test

const raceEnabled = false
