-- POST /v1/ingest spread over many customers: 100 fresh events per request, ten for each of ten
-- customers whose ingest aliases are BENCH_ALIAS_PREFIX0 .. BENCH_ALIAS_PREFIX(N-1), N being
-- BENCH_ALIAS_COUNT, taken in turn; dated in January 2026 (the period the clock is frozen in), on
-- the BENCH_DAY_COUNT days from BENCH_DAY_FIRST (default: the 1st to the 19th), in the
-- BENCH_HOUR_COUNT hours of the day from BENCH_HOUR_FIRST (default: all 24).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local prefix = os.getenv("BENCH_ALIAS_PREFIX") or "bench-customer-"
local count = tonumber(os.getenv("BENCH_ALIAS_COUNT") or "1000")
local dayFirst = tonumber(os.getenv("BENCH_DAY_FIRST") or "1")
local dayCount = tonumber(os.getenv("BENCH_DAY_COUNT") or "19")
local hourFirst = tonumber(os.getenv("BENCH_HOUR_FIRST") or "0")
local hourCount = tonumber(os.getenv("BENCH_HOUR_COUNT") or "24")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", string.format("%d-%d-spread", os.time(), threads))
  thread:set("first", threads * 7919)
end

local counter = 0
function request()
  counter = counter + 1
  local events = {}
  for i = 1, 100 do
    local customer = (first + counter * 10 + math.floor((i - 1) / 10)) % count
    events[i] = string.format(
      '{"transaction_id":"%s-%d-%d","customer_id":"%s%d","event_type":"api_call",'
        .. '"timestamp":"2026-01-%02dT%02d:%02d:00Z","properties":{"endpoint":"/v1/search","region":"us-east"}}',
      id, counter, i, prefix, customer, dayFirst + counter % dayCount, hourFirst + i % hourCount, i % 60)
  end
  return wrk.format(nil, "/v1/ingest", nil, "[" .. table.concat(events, ",") .. "]")
end
