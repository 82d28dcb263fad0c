-- The embargo-lift rush: wrk reads every answer and counts, after the publication second,
-- those that do not yet show the release. PUBLISH_AT (epoch seconds) and MARKER come from
-- the environment; answers received from PUBLISH_AT + 2 on must all carry the marker (one
-- second of grace for a request that started before the second).
local publish_at = tonumber(os.getenv("PUBLISH_AT"))
local marker = os.getenv("MARKER")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  after, missing, bad = 0, 0, 0
end

function response(status, headers, body)
  if os.time() >= publish_at + 2 then
    after = after + 1
    if status ~= 200 then bad = bad + 1 end
    if not string.find(body, marker, 1, true) then missing = missing + 1 end
  end
end

function done(summary, latency, requests)
  local total_after, total_missing, total_bad = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_after = total_after + thread:get("after")
    total_missing = total_missing + thread:get("missing")
    total_bad = total_bad + thread:get("bad")
  end
  io.write(string.format(
    "RUSH requests=%d after=%d stale_after=%d non200_after=%d socket_errors=%d\n",
    summary.requests, total_after, total_missing, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
