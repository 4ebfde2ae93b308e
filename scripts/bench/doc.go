//go:build linux

// Command bench measures mgit against the loop people write by hand:
// `xargs -P8 git …` over the same repositories, on the same machine, in one
// run, and prints one table row per workload, latency and variant of mgit
// (backend, and -jN besides its defaults) with the ratio mgit/loop.
//
// It builds its fixtures itself (on tmpfs when /dev/shm exists, because clone
// timings on this VM's disk drift run after run) and serves the upstream
// repositories over smart HTTP from git http-backend on 127.0.0.1, so clone,
// fetch and pull pay the real protocol cost. Loopback has no round trips,
// so the server adds one before every request (-latency 0,20ms,100ms; with
// -conn-rtts also before every new connection, as TCP and TLS handshakes
// do), and -throttle N makes it answer 429 above N requests in flight, as a
// host's secondary rate limit does; the rows then count the 429s.
//
// The server runs on the same two cores as both sides' git. Served by git
// http-backend alone, a clone of the small fixture cost the server about as
// much CPU (http-backend, upload-pack, pack-objects) as the client, so the
// latency rows were CPU-bound and measured the server: the loop took the
// same time at 0, 20 and 100 ms. So the server answers info/refs and
// upload-pack from a cache keyed by the request and the repository's refs
// (cache.go; a push changes the key), as real hosts cache packs, and
// clone, fetch and pull rows measure the clients; -no-server-cache turns
// it off. Every network row notes each side's CPU, its own git processes
// (client) and the server's. -mgit-log FILE keeps mgit's log at level info
// (the limiter's "network concurrency" decisions) for every network run.
//
// mgit clones twice per backend: from the --from URL file, which says
// nothing of sizes (so the default backend, auto, clones with git), and
// by listing — mgit clone bench/* through a Gitea provider configured in
// the isolated HOME, which the server answers with a Gitea-shaped
// /api/v1/orgs/bench/repos (listing.go: size in KiB, limit/page, Link and
// X-Total-Count), the path users take; there auto clones repositories
// listed as small in-process with go-git. -backends auto,cli,go-git shows
// all of them.
//
// The scale workload builds 10,000 small repositories by copying a
// template (-scale-repos), times `mgit status` against the loop with mgit's
// peak RSS, and the dashboard workload drives the dashboard in tmux over
// them: the first paint from the state cache, the first full refresh and
// the peak RSS (VmHWM). Run it through `just bench`; a smoke run:
// `just bench -repos 20 -runs 1 -status-repos 50 -large-files 200 -scale-repos 200`.
package main
