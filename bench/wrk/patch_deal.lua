-- PATCH a deal's amount with If-Match, as the coordinator. Each thread walks its own range of
-- 50,000 freshly loaded deals (all at version 1), so no request is a conflict by construction; a 412
-- would be counted by wrk as a non-2xx response.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local headers = common.headers(os.getenv("BENCH_TOKEN"))
local deals = common.env_number("BENCH_DEALS", 1000)
local offset = common.env_number("BENCH_PATCH_OFFSET", 0)
local threads = {}
local counter = 0

function setup(thread)
  thread:set("first", offset + #threads * 50000)
  threads[#threads + 1] = thread
end

function init(args)
  counter = first
end

function request()
  counter = counter + 1
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  h["If-Match"] = '"1"'
  return wrk.format("PATCH", "/api/v1/deals/" .. counter, h, '{"amount_minor": ' .. (counter * 100) .. '}')
end
