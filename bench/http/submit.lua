-- wrk script of Trainyard's HTTP benchmark (./trainyard bench http): POSTs the MLW execute
-- endpoint, every request with a task name no other request uses (a reused name is a 409).
-- usage: wrk -s submit.lua http://host:port/service/mlw/projects/P/resources/R/execute \
--            -- "<Authorization header value>" <task name prefix>
-- At the end it prints one line "wrk-json {...}" with the counts and latency percentiles (µs).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[2] or "wrk"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = args[1]
end

function request()
  counter = counter + 1
  local body = '{"recurrence":"ONE_TIME","cronExpression":"","taskName":"'
    .. prefix .. "-" .. tid .. "-" .. counter .. '"}'
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'wrk-json {"requests":%d,"durationMicros":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,'
    .. '"statusErrors":%d,"timeouts":%d,"p50Micros":%d,"p99Micros":%d,"p999Micros":%d,"maxMicros":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
