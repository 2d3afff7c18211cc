package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"passerelle/internal/db"
	"passerelle/internal/jobs"
)

// metrics is this server's own registry (not the global one, so that tests
// can start several servers in one process).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(d *db.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "passerelle_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"method", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "passerelle_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&dbCollector{d: d})
	return m
}

func (m *metrics) observe(method, route string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(elapsed.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// dbCollector reports the database pools and the job queue at scrape time.
type dbCollector struct{ d *db.DB }

var (
	descOpen    = prometheus.NewDesc("passerelle_db_open_connections", "Open database connections.", []string{"pool"}, nil)
	descInUse   = prometheus.NewDesc("passerelle_db_in_use_connections", "Database connections in use.", []string{"pool"}, nil)
	descWait    = prometheus.NewDesc("passerelle_db_wait_seconds_total", "Time spent waiting for a database connection.", []string{"pool"}, nil)
	descPending = prometheus.NewDesc("passerelle_jobs_pending", "Jobs not done yet.", nil, nil)
	descFailed  = prometheus.NewDesc("passerelle_jobs_failed", "Jobs that failed for good.", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOpen
	ch <- descInUse
	ch <- descWait
	ch <- descPending
	ch <- descFailed
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	w, r := c.d.Stats()
	emit := func(pool string, open, inUse int, wait time.Duration) {
		ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(open), pool)
		ch <- prometheus.MustNewConstMetric(descInUse, prometheus.GaugeValue, float64(inUse), pool)
		ch <- prometheus.MustNewConstMetric(descWait, prometheus.CounterValue, wait.Seconds(), pool)
	}
	emit("write", w.OpenConnections, w.InUse, w.WaitDuration)
	if c.d.Dialect == db.SQLite {
		emit("read", r.OpenConnections, r.InUse, r.WaitDuration)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if pending, failed, err := jobs.Stats(ctx, c.d); err == nil {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(pending))
		ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, float64(failed))
	}
}
