-- GET a page of 50 of a rep's open deals in one stage, as that rep: the visibility predicate,
-- the stage filter and the keyset order all in play.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local tokens = common.split(os.getenv("BENCH_REP_TOKENS"))
local stages = common.split(os.getenv("BENCH_OPEN_STAGES"))
local reps = {}
for i, token in ipairs(tokens) do
  reps[i] = common.headers(token)
end

function request()
  local stage = stages[math.random(1, #stages)]
  return wrk.format("GET", "/api/v1/deals?stage_id=" .. stage .. "&limit=50", reps[math.random(1, #reps)])
end
