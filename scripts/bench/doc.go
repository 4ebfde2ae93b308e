//go:build linux

// Command bench measures mgit against the loop people write by hand:
// `xargs -P8 git …` over the same repositories, on the same machine, in one
// run, and prints the ratio mgit/loop for each workload and git backend.
//
// It builds its fixtures itself (on tmpfs when /dev/shm exists, because clone
// timings on this VM's disk drift run after run) and serves the upstream
// repositories over smart HTTP from git http-backend on 127.0.0.1, so clone,
// fetch and pull pay the real protocol cost. Run it through `just bench`.
package main
