package telemetry

import (
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Label values of mgit_sync_runs_total{result}.
const (
	SyncOK          = "ok"          // every operation of the cycle succeeded
	SyncPartial     = "partial"     // some operations failed, some succeeded
	SyncFailed      = "failed"      // discovery failed or every operation failed
	SyncInterrupted = "interrupted" // cancelled (SIGTERM) before the cycle finished
)

// OperationBuckets suit git over the network: a no-op fetch takes ~10 ms, a
// status of a large work tree ~0.5 s, a big clone minutes. The default
// Prometheus buckets stop at 10 s and would put every clone in +Inf.
var OperationBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// RequestBuckets suit provider API calls: tens of milliseconds to the
// client's 30 s timeout.
var RequestBuckets = []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Metrics is mgit's Prometheus instrumentation. Create it with NewMetrics on
// a registry the caller owns; every method is safe for concurrent use and
// cheap enough to call from the engine's workers.
//
// Label values are bounded: op is one of the engine's operations, result an
// outcome, provider the configured provider's name, code an HTTP status
// class. A repository name is never a label.
type Metrics struct {
	opsTotal    *prometheus.CounterVec
	opDuration  *prometheus.HistogramVec
	opsInFlight *prometheus.GaugeVec
	repos       *prometheus.GaugeVec
	// reposMu orders SetRepositories calls; reposSeen are the states they
	// set, so a later call without one sets it to 0.
	reposMu   sync.Mutex
	reposSeen map[string]bool

	provRequests  *prometheus.CounterVec
	provDuration  *prometheus.HistogramVec
	provRemaining *prometheus.GaugeVec

	syncRuns        *prometheus.CounterVec
	syncLastSuccess prometheus.Gauge
	syncLastRun     prometheus.Gauge
	syncDuration    prometheus.Histogram
	syncFirstDone   prometheus.Gauge
	failingStreak   prometheus.Gauge

	netConcurrency *prometheus.GaugeVec
	// netMu guards netHosts: each host's last limit and the provider it
	// counts under (hosts are never labels; see NetworkLimit).
	netMu    sync.Mutex
	netHosts map[string]hostLimit
}

// FailingStreakCycles is how many cycles in a row a repository must fail to
// count in mgit_repositories_failing_streak: one failure is weather, three
// is a repository someone must look at.
const FailingStreakCycles = 3

// Build says which mgit is running, for mgit_build_info.
type Build struct {
	Version string
	// Revision is the commit it was built from ("" when unknown).
	Revision string
}

// hostLimit is one host's network concurrency and the provider it counts
// under.
type hostLimit struct {
	provider string
	limit    int
}

// NewMetrics creates the metrics and registers them on reg (never the
// process-wide default in libraries and tests). version is the build's
// version for mgit_build_info.
func NewMetrics(reg prometheus.Registerer, version string) *Metrics {
	return NewMetricsBuild(reg, Build{Version: version})
}

// NewMetricsBuild is NewMetrics with the build's revision as well.
func NewMetricsBuild(reg prometheus.Registerer, b Build) *Metrics {
	m := &Metrics{
		opsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mgit_operations_total",
			Help: "Git operations finished, by operation and result (ok, failed, skipped).",
		}, []string{"op", "result"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mgit_operation_duration_seconds",
			Help:    "Duration of git operations that ran (retries included), by operation.",
			Buckets: OperationBuckets,
		}, []string{"op"}),
		opsInFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mgit_operations_in_flight",
			Help: "Git operations running now, by operation.",
		}, []string{"op"}),
		repos: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mgit_repositories",
			Help: "Repositories by last known state (clean, dirty, behind, failed, ...).",
		}, []string{"state"}),
		provRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mgit_provider_requests_total",
			Help: "Provider API requests (attempts), by provider and HTTP status (\"error\" when no response arrived).",
		}, []string{"provider", "code"}),
		provDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mgit_provider_request_duration_seconds",
			Help:    "Duration of provider API requests, by provider.",
			Buckets: RequestBuckets,
		}, []string{"provider"}),
		provRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mgit_provider_rate_limit_remaining",
			Help: "Requests the provider's rate limit still allows, as it last reported.",
		}, []string{"provider"}),
		syncRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mgit_sync_runs_total",
			Help: "Sync cycles finished, by result (ok, partial, failed, interrupted).",
		}, []string{"result"}),
		syncLastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mgit_sync_last_success_timestamp_seconds",
			Help: "Unix time of the end of the last sync cycle whose result was ok or partial.",
		}),
		syncLastRun: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mgit_sync_last_run_timestamp_seconds",
			Help: "Unix time of the end of the last sync cycle, whatever its result.",
		}),
		syncDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mgit_sync_duration_seconds",
			Help:    "Duration of sync cycles (discovery included).",
			Buckets: OperationBuckets,
		}),
		netConcurrency: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mgit_network_concurrency",
			Help: "Network operations mgit allows at once (adaptive per host, or --concurrency), summed over the hosts of each configured provider (\"none\": repositories found only on disk).",
		}, []string{"provider"}),
		netHosts: map[string]hostLimit{},
		syncFirstDone: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mgit_sync_first_cycle_done",
			Help: "1 once the first sync cycle of this process has finished (whatever its result), else 0.",
		}),
		failingStreak: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mgit_repositories_failing_streak",
			Help: "Repositories whose last " + strconv.Itoa(FailingStreakCycles) + " or more sync cycles all failed.",
		}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mgit_build_info",
		Help: "Always 1; the labels say which mgit is running (revision: the commit, \"unknown\" when not stamped).",
	}, []string{"version", "revision", "goversion"})
	rev := b.Revision
	if rev == "" {
		rev = "unknown"
	}
	build.WithLabelValues(b.Version, rev, runtime.Version()).Set(1)

	reg.MustRegister(m.opsTotal, m.opDuration, m.opsInFlight, m.repos,
		m.provRequests, m.provDuration, m.provRemaining,
		m.syncRuns, m.syncLastSuccess, m.syncLastRun, m.syncDuration,
		m.syncFirstDone, m.failingStreak, m.netConcurrency, build)
	// Results are pre-declared so a dashboard shows 0, not "no data", and
	// rate() works from the first failure on.
	for _, r := range []string{SyncOK, SyncPartial, SyncFailed, SyncInterrupted} {
		m.syncRuns.WithLabelValues(r)
	}
	return m
}

// OpStarted counts an operation as in flight.
func (m *Metrics) OpStarted(op string) {
	m.opsInFlight.WithLabelValues(op).Inc()
}

// OpFinished records the result of an operation OpStarted counted.
func (m *Metrics) OpFinished(op, result string, d time.Duration) {
	m.opsTotal.WithLabelValues(op, result).Inc()
	m.opsInFlight.WithLabelValues(op).Dec()
	m.opDuration.WithLabelValues(op).Observe(d.Seconds())
}

// SetRepositories replaces the per-state repository counts: states set
// before and missing from counts drop to 0, so the gauges always sum to the
// repositories known. The series are set in place, never reset, so a scrape
// in between never sees them missing.
func (m *Metrics) SetRepositories(counts map[string]int) {
	m.reposMu.Lock()
	defer m.reposMu.Unlock()
	if m.reposSeen == nil {
		m.reposSeen = make(map[string]bool, len(counts))
	}
	for state := range m.reposSeen {
		if _, ok := counts[state]; !ok {
			m.repos.WithLabelValues(state).Set(0)
		}
	}
	for state, n := range counts {
		m.repos.WithLabelValues(state).Set(float64(n))
		m.reposSeen[state] = true
	}
}

// ProviderRequest records one provider API exchange. status 0 means no
// response arrived; remaining < 0 means the server did not say.
func (m *Metrics) ProviderRequest(provider string, status int, d time.Duration, remaining int) {
	code := "error"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	m.provRequests.WithLabelValues(provider, code).Inc()
	m.provDuration.WithLabelValues(provider).Observe(d.Seconds())
	if remaining >= 0 {
		m.provRemaining.WithLabelValues(provider).Set(float64(remaining))
	}
}

// SyncFinished records the end of a sync cycle at end, with result one of
// the Sync constants.
func (m *Metrics) SyncFinished(result string, end time.Time, d time.Duration) {
	m.syncRuns.WithLabelValues(result).Inc()
	m.syncLastRun.Set(float64(end.UnixNano()) / 1e9)
	m.syncDuration.Observe(d.Seconds())
	if result == SyncOK || result == SyncPartial {
		m.syncLastSuccess.Set(float64(end.UnixNano()) / 1e9)
	}
}

// NetworkLimit records the network concurrency the engine chose for host,
// for a repository of provider ("" when none). The gauge is labelled by
// provider, never by host: hosts come from every remote in a workspace and
// are unbounded, configured providers are not. A provider's value is the
// sum over the hosts last seen for it, which for the usual one host per
// provider is that host's limit.
func (m *Metrics) NetworkLimit(host, provider string, limit int) {
	if provider == "" {
		provider = "none"
	}
	m.netMu.Lock()
	defer m.netMu.Unlock()
	old, had := m.netHosts[host]
	m.netHosts[host] = hostLimit{provider: provider, limit: limit}
	sum := func(p string) float64 {
		n := 0
		for _, h := range m.netHosts {
			if h.provider == p {
				n += h.limit
			}
		}
		return float64(n)
	}
	m.netConcurrency.WithLabelValues(provider).Set(sum(provider))
	if had && old.provider != provider {
		m.netConcurrency.WithLabelValues(old.provider).Set(sum(old.provider))
	}
}

// FirstCycleDone sets mgit_sync_first_cycle_done to 1.
func (m *Metrics) FirstCycleDone() { m.syncFirstDone.Set(1) }

// SetFailingStreak sets the number of repositories that failed
// FailingStreakCycles or more cycles in a row.
func (m *Metrics) SetFailingStreak(n int) { m.failingStreak.Set(float64(n)) }
