package telemetry

import (
	"context"
	"sync"
	"time"
)

// The SDK's BatchSpanProcessor defaults, which mgit keeps.
const (
	batchQueueSize = 2048
	batchMaxSize   = 512
	batchDelay     = 5 * time.Second
)

// batcher hands finished spans to export in batches from one goroutine, so
// that ending a span never waits on the network: a batch leaves when it is
// full or batchDelay after the last, and whatever is queued leaves at
// shutdown. A span that finds the queue full is dropped, as the SDK drops
// it: a slow receiver must not hold up git operations or grow memory.
type batcher struct {
	export func(context.Context, []SpanData)
	queue  chan SpanData
	delay  time.Duration
	max    int

	stopOnce sync.Once
	stop     chan struct{}
	// stopCtx bounds the final export; written before stop is closed.
	stopCtx context.Context
	done    chan struct{}
}

func newBatcher(export func(context.Context, []SpanData), queueSize, maxBatch int, delay time.Duration) *batcher {
	b := &batcher{export: export, queue: make(chan SpanData, queueSize), delay: delay, max: maxBatch,
		stop: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

// add queues a finished span, or drops it when the queue is full.
func (b *batcher) add(d SpanData) {
	select {
	case b.queue <- d:
	default:
	}
}

func (b *batcher) run() {
	defer close(b.done)
	timer := time.NewTimer(b.delay)
	defer timer.Stop()
	var batch []SpanData
	send := func(ctx context.Context) {
		if len(batch) > 0 {
			b.export(ctx, batch)
			batch = nil
		}
		timer.Reset(b.delay)
	}
	for {
		select {
		case d := <-b.queue:
			batch = append(batch, d)
			if len(batch) >= b.max {
				send(context.Background())
			}
		case <-timer.C:
			send(context.Background())
		case <-b.stop:
			for {
				select {
				case d := <-b.queue:
					batch = append(batch, d)
					if len(batch) >= b.max {
						send(b.stopCtx)
					}
					continue
				default:
				}
				send(b.stopCtx)
				return
			}
		}
	}
}

// shutdown exports what is queued and stops, waiting up to ctx. Spans ended
// afterwards are not exported.
func (b *batcher) shutdown(ctx context.Context) error {
	b.stopOnce.Do(func() {
		b.stopCtx = ctx
		close(b.stop)
	})
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
