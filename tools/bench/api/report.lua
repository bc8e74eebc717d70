-- Shared by the wrk scripts: one machine-readable line at the end of a run, which `run` turns
-- into a row of the table in docs/benchmarks.md. Latencies are microseconds in wrk; printed in ms.
local M = {}

function M.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d non_2xx=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end

return M
