-- Shared by the bench scripts: numbers each wrk thread (one connection per thread, -t N -c N), counts
-- responses with an unexpected status per thread, and prints one JSON line that bench.run parses.
-- Latencies are wrk's (microseconds, from writing the request to the end of the response).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

-- Percent-encode a form value (UTF-8 bytes as %XX).
function urlencode(s)
   return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function done(summary, latency, requests)
   local bad = 0
   for _, t in ipairs(threads) do
      bad = bad + (t:get("bad") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
      '"status": %d, "timeout": %d, "bad": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "mean": %.1f, ' ..
      '"max": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, bad,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
      latency.mean, latency.max))
end
