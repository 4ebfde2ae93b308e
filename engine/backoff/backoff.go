package backoff

import (
	"math/rand/v2"
	"time"
)

// Delay is the wait after failed attempt n (1-based): base·2^(n-1),
// capped at max, of which a random 50–100% is taken ("equal jitter"), so
// many repositories or requests to one host never retry in lockstep. It
// is 0 when base or max is not positive.
func Delay(base, max time.Duration, n int) time.Duration {
	if base <= 0 || max <= 0 {
		return 0
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}
