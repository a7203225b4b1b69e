package server

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Metrics are the server's Prometheus metrics. Create them with NewMetrics
// and serve them with Handler. All methods are safe for concurrent use.
type Metrics struct {
	// Registry holds every metric of the server, the Go runtime's and the
	// process's.
	Registry *prometheus.Registry

	calls       *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	reqBytes    *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	openRetries prometheus.Counter
	txRetries   *prometheus.CounterVec
	ready       prometheus.Gauge
	probes      *prometheus.CounterVec
}

// NewMetrics returns the server's metrics in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mlmd_server_calls_total",
			Help: "Finished gRPC calls by method and status code (the code the client received).",
		}, []string{"method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mlmd_server_call_duration_seconds",
			Help:    "Duration of gRPC calls by method, from the request's arrival to the status being sent.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"method"}),
		reqBytes: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mlmd_server_request_bytes",
			Help:    "Size of decoded request messages by method.",
			Buckets: prometheus.ExponentialBuckets(64, 4, 12), // 64 B .. 268 MB
		}, []string{"method"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mlmd_store_errors_total",
			Help: "Calls that failed in the store, by status code (client mistakes included).",
		}, []string{"code"}),
		openRetries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mlmd_store_open_retries_total",
			Help: "Failed attempts to open the store that were retried (the database was unreachable).",
		}),
		txRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mlmd_store_tx_retries_total",
			Help: "Transactions the store rolled back and ran again, by backend and reason (deadlock, serialization, lock_timeout, busy, conflict, connection_lost).",
		}, []string{"backend", "reason"}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mlmd_store_ready",
			Help: "1 when the last health probe of the store succeeded, else 0.",
		}),
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mlmd_store_health_probes_total",
			Help: "Health probes of the store by result (ok or error).",
		}, []string{"result"}),
	}
	m.Registry.MustRegister(m.calls, m.latency, m.reqBytes, m.storeErrors, m.openRetries, m.txRetries, m.ready, m.probes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// WatchDB adds the connection pool statistics of db (sql.DBStats) as
// go_sql_* metrics labelled db_name="mlmd".
func (m *Metrics) WatchDB(db *sql.DB) {
	if m == nil || db == nil {
		return
	}
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, "mlmd"))
}

// OpenRetried counts one retried attempt to open the store.
func (m *Metrics) OpenRetried() {
	if m != nil {
		m.openRetries.Inc()
	}
}

// TxRetried counts one transaction that the store runs again; it is the
// store's mlmd.Options.OnRetry.
func (m *Metrics) TxRetried(r mlmd.Retry) {
	if m != nil {
		m.txRetries.WithLabelValues(r.Backend, r.Reason).Inc()
	}
}

func (m *Metrics) probed(ok bool) {
	if m == nil {
		return
	}
	if ok {
		m.ready.Set(1)
		m.probes.WithLabelValues("ok").Inc()
	} else {
		m.ready.Set(0)
		m.probes.WithLabelValues("error").Inc()
	}
}

// callRecord follows one call from its start to its end, in its context.
// gRPC calls the stats handler for a call on the goroutine that runs it,
// so the record needs no lock.
type callRecord struct {
	method       string
	reqBytes     int
	decodeFailed bool
}

type recordKey struct{}

func recordFrom(ctx context.Context) *callRecord {
	r, _ := ctx.Value(recordKey{}).(*callRecord)
	return r
}

// callObserver is a gRPC stats handler that logs every call exactly once,
// with the status the client received (also for requests that could not be
// decoded or were too large, and responses too large to send), and counts
// it in the metrics.
type callObserver struct {
	logger  *slog.Logger
	metrics *Metrics
}

func (o *callObserver) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	return context.WithValue(ctx, recordKey{}, &callRecord{method: info.FullMethodName})
}

func (o *callObserver) HandleRPC(ctx context.Context, s stats.RPCStats) {
	r := recordFrom(ctx)
	if r == nil {
		return
	}
	switch s := s.(type) {
	case *stats.InPayload:
		r.reqBytes = s.Length
		if o.metrics != nil {
			o.metrics.reqBytes.WithLabelValues(r.method).Observe(float64(s.Length))
		}
	case *stats.End:
		o.end(ctx, r, s)
	}
}

func (o *callObserver) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (o *callObserver) HandleConn(context.Context, stats.ConnStats) {}

func (o *callObserver) end(ctx context.Context, r *callRecord, s *stats.End) {
	st := status.Convert(s.Error)
	duration := s.EndTime.Sub(s.BeginTime)
	if o.metrics != nil {
		o.metrics.calls.WithLabelValues(r.method, st.Code().String()).Inc()
		o.metrics.latency.WithLabelValues(r.method).Observe(duration.Seconds())
		var se *statusError
		if asStatusError(s.Error, &se) {
			o.metrics.storeErrors.WithLabelValues(st.Code().String()).Inc()
		}
	}
	level := slog.LevelInfo
	switch {
	case st.Code() == codes.OK && quietMethod(r.method):
		level = slog.LevelDebug
	case st.Code() == codes.Internal || st.Code() == codes.Unknown || st.Code() == codes.DataLoss:
		level = slog.LevelError
	case st.Code() != codes.OK:
		level = slog.LevelWarn
	}
	if !o.logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", r.method),
		slog.String("code", st.Code().String()),
		slog.Duration("duration", duration),
	)
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		attrs = append(attrs, slog.String("peer", p.Addr.String()))
	}
	if r.reqBytes > 0 {
		attrs = append(attrs, slog.Int("request_bytes", r.reqBytes))
	}
	if st.Code() != codes.OK {
		attrs = append(attrs, slog.String("error", st.Message()))
		if d := callDetail(s.Error); d != "" {
			attrs = append(attrs, slog.String("detail", d))
		}
		if r.decodeFailed {
			attrs = append(attrs, slog.Bool("decode_failed", true))
		}
	}
	o.logger.LogAttrs(ctx, level, "rpc", attrs...)
}

func asStatusError(err error, target **statusError) bool {
	se, ok := err.(*statusError)
	if ok {
		*target = se
	}
	return ok
}
