-- GET accounts whose name starts with a random two-letter prefix, as the coordinator.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local headers = common.headers(os.getenv("BENCH_TOKEN"))
local letters = "abcdefghijklmnoprstuvwy"

function request()
  local i = math.random(1, #letters)
  local j = math.random(1, #letters)
  local prefix = letters:sub(i, i) .. letters:sub(j, j)
  return wrk.format("GET", "/api/v1/accounts?q=" .. prefix .. "&limit=50", headers)
end
