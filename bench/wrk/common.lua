-- Shared by the API benchmark scripts: a bearer token and the number of deals from the
-- environment, and a fixed random seed per thread so runs are comparable.
local M = {}

function M.headers(token)
  return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function M.env_number(name, default)
  local v = os.getenv(name)
  return v and tonumber(v) or default
end

function M.split(text)
  local items = {}
  for item in string.gmatch(text or "", "[^,]+") do
    items[#items + 1] = item
  end
  return items
end

return M
