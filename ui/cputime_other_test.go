//go:build !linux

package ui

import "time"

// threadCPU is not measured here: the CPU metric reads 0.
func threadCPU() time.Duration { return 0 }
