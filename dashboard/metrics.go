package dashboard

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// Exports: bytes sent, and exports cut short (the client stopped
	// reading or went away).
	exportBytes prometheus.Counter
	exportsCut  prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "councildash_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "councildash_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
		exportBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "councildash_export_bytes_total", Help: "Bytes of CSV and JSON exports written to clients.",
		}),
		exportsCut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "councildash_exports_cut_short_total", Help: "Exports cut short after they started (the client stopped reading or went away).",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.exportBytes, m.exportsCut,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			if _, ok := err.(prometheus.AlreadyRegisteredError); !ok {
				return nil, err
			}
		}
	}
	return m, nil
}

// middleware records every request under its route pattern (never the raw
// path, so label cardinality stays bounded).
func (m *metrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
}
