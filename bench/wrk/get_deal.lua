-- GET /api/v1/deals/{id} for random ids, as the coordinator (who sees every deal).
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local headers = common.headers(os.getenv("BENCH_TOKEN"))
local deals = common.env_number("BENCH_DEALS", 1000)

function init(args)
  math.randomseed(os.time() + (tonumber(args[1]) or 0))
end

function request()
  return wrk.format("GET", "/api/v1/deals/" .. math.random(1, deals), headers)
end
