-- wrk script: replays recorded sync requests, each once, then tells the harness it is done.
--
--   wrk -t2 -c64 -d600s --timeout 120s -s replay.lua http://127.0.0.1:PORT -- REQUESTS DONE
--
-- REQUESTS holds one record per request: a line "TOKEN<TAB>GZIP<TAB>LENGTH" (GZIP 1 when the body is
-- gzip, as a laptop sends bodies from 256 bytes), the LENGTH bytes of the body, and a newline. Thread k
-- of n sends records k, k+n, k+2n, … (a request's latency is wrk's: from its first byte written to its
-- response read). When a thread has had an answer to each of its requests it appends a line to DONE and
-- stops; wrk runs until its -d limit, so the harness interrupts it (SIGINT) once every thread is done,
-- and done() prints the figures as one JSON line.
--
-- Exactly once: delay() is asked before each request a connection sends, and reserves the next record
-- (a connection with none left waits an hour, so nothing extra is sent); request() hands out only
-- reserved records. wrk also calls request() once on the first thread to check the script, without
-- sending it: that call gets the first record and takes none.

local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

local requests = {}
local reserved, taken, answered = 0, 0, 0
failed = 0
local done_path

function init(args)
  local path = args[1]
  done_path = args[2]
  local stride = tonumber(args[3])
  local file = assert(io.open(path, "rb"))
  local index = 0
  while true do
    local header = file:read("*l")
    if not header or header == "" then break end
    local token, gzip, length = header:match("^(%S+)\t(%d)\t(%d+)$")
    local body = file:read(tonumber(length))
    file:read(1)
    if index % stride == id then
      local headers = {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
        ["Accept"] = "application/json",
        ["Accept-Encoding"] = "gzip",
      }
      if gzip == "1" then headers["Content-Encoding"] = "gzip" end
      table.insert(requests, wrk.format("POST", "/v1/sync", headers, body))
    end
    index = index + 1
  end
  file:close()
  if #requests == 0 then finish() end
end

function finish()
  local file = assert(io.open(done_path, "a"))
  file:write(id, "\n")
  file:close()
  wrk.thread:stop()
end

function delay()
  if reserved < #requests then
    reserved = reserved + 1
    return 0
  end
  return 3600000
end

function request()
  if taken < reserved then
    taken = taken + 1
    return requests[taken]
  end
  return requests[1] or wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then failed = failed + 1 end
  if answered == #requests then finish() end
end

function done(summary, latency, requests)
  local non_ok = 0
  for _, thread in ipairs(threads) do non_ok = non_ok + (thread:get("failed") or 0) end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"not_ok":%d,"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, non_ok,
    errors.connect + errors.read + errors.write, errors.timeout))
end
