-- POST /v1/ingest for the draft-invoice benchmark: 100 fresh events per request, all for the
-- customer whose ingest alias is in BENCH_CUSTOMER, matching the demo "API calls" metric, spread
-- over the first 19 days of January 2026 (the period the benchmark reads the draft of).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local customer = os.getenv("BENCH_CUSTOMER") or "bench-invoice"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("prefix", string.format("%d-%d-live", os.time(), threads))
end

local counter = 0
function request()
  counter = counter + 1
  local events = {}
  for i = 1, 100 do
    events[i] = string.format(
      '{"transaction_id":"%s-%d-%d","customer_id":"%s","event_type":"api_call",'
        .. '"timestamp":"2026-01-%02dT%02d:%02d:00Z","properties":{"endpoint":"/v1/search","region":"us-east"}}',
      prefix, counter, i, customer, counter % 19 + 1, i % 24, i % 60)
  end
  return wrk.format(nil, "/v1/ingest", nil, "[" .. table.concat(events, ",") .. "]")
end
