-- POST /v1/customers with a name no other request of the run uses, and no aliases.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
    thread:set("thread_id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(os.time() + thread_id * 7919)
    prefix = string.format("bench-%d-%d", thread_id, math.random(1, 1000000000))
end

wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer bench"
wrk.headers["Content-Type"] = "application/json"

function request()
    counter = counter + 1
    return wrk.format(nil, "/v1/customers", nil, string.format('{"name":"%s-%d"}', prefix, counter))
end
