-- POST /v1/ingest with 100 events per request, every transaction_id fresh (a per-thread prefix
-- made from the start time and the thread number, then a counter), so de-duplication never
-- drops one and every event is stored. The events match the demo "API calls" metric, so each
-- is also rolled up for rating. Everything after each event's counter is built once, so that
-- making requests takes little of the CPU the server is measured on.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- Under a namespace's base URL when BENCH_PATH says so (e.g. /_ns/bench-1/v1/ingest).
local path = os.getenv("BENCH_PATH") or "/v1/ingest"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("prefix", string.format("%d-%d", os.time(), threads))
end

local tails = {}
for i = 1, 100 do
  tails[i] = string.format(
    '-%d","customer_id":"bench-customer-%d","event_type":"api_call",'
      .. '"timestamp":"2026-01-15T12:00:00Z","properties":{"endpoint":"/v1/search","region":"us-east","tokens":%d}}',
    i, i % 10, i)
end

local counter = 0
function request()
  counter = counter + 1
  local head = '{"transaction_id":"' .. prefix .. "-" .. counter
  local events = {}
  for i = 1, 100 do
    events[i] = head .. tails[i]
  end
  return wrk.format(nil, path, nil, "[" .. table.concat(events, ",") .. "]")
end
