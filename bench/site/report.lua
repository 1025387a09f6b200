-- wrk script: every request asks for gzip, as browsers do; at the end, one JSON line with the counts and
-- the latency percentiles (microseconds) that bench/site/run.py reads.
wrk.headers["Accept-Encoding"] = "gzip"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
