-- wrk script for the realistic modes of bench/site: each request asks for one path drawn from a file of
-- "weight<TAB>path" lines (written by bench/site/realistic.py), by weight - popular pages more often, as
-- real traffic is (Zipf-like). Every request asks for gzip. At the end, one JSON line (as report.lua).
wrk.headers["Accept-Encoding"] = "gzip"

local paths, cumulative, total = {}, {}, 0

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  for line in io.lines(args[1]) do
    local weight, path = line:match("^([^\t]+)\t(.+)$")
    total = total + tonumber(weight)
    paths[#paths + 1] = path
    cumulative[#cumulative + 1] = total
  end
end

request = function()
  local r, lo, hi = math.random() * total, 1, #cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < r then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", paths[lo])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "timeouts": %d, "non_2xx": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
