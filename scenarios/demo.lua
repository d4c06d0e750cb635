-- demo.lua: the load test that ./scripts/demo.sh runs against `molotov serve`.
--
--   molotov serve --port 8080 &
--   molotov -w 10 -d 10 scenarios/demo.lua
--
-- Set TARGET to aim it elsewhere: TARGET=http://127.0.0.1:9000 molotov ...
--
-- Every function below runs inside a worker's coroutine. session:get() and
-- friends look synchronous, but while a request is in flight only this
-- worker waits; the other workers keep running.

local molotov = require("molotov") -- also available as the global `molotov`

local TARGET = os.getenv("TARGET") or "http://127.0.0.1:8080"

-- setup runs once per worker, before its first scenario. The table it
-- returns holds the session's default options: here, headers sent with every
-- request of this worker's session.
molotov.setup(function(worker_id, args)
  return {
    headers = {
      ["Accept"] = "application/json, text/plain",
      ["X-Worker"] = tostring(worker_id),
    },
    timeout = 5, -- seconds for a whole request (default: --timeout)
  }
end)

-- Weights are relative: with 50 / 30 / 20 a worker picks "homepage" half
-- of the time, "read_json" 30% and "create_item" 20%.
molotov.scenario("homepage", 50, function(session)
  local resp = session:get(TARGET .. "/")
  -- A status code never fails a scenario by itself: assert what you expect.
  assert(resp.status == 200, "GET / returned " .. resp.status)
end)

molotov.scenario("read_json", 30, function(session)
  local resp = session:get(TARGET .. "/json")
  assert(resp.status == 200, "GET /json returned " .. resp.status)
  assert(resp.headers["content-type"]:find("application/json", 1, true))
  local doc = resp:json() -- decoded into a Lua table
  assert(doc.hello == "world", "unexpected body: " .. resp.body)
end)

-- The table form can add a `delay`: seconds this worker sleeps after each
-- successful run of the scenario (think time), without blocking the others.
-- Kept short here; every millisecond of delay is time this worker sends nothing.
molotov.scenario {
  name = "create_item",
  weight = 20,
  delay = 0.01,
  run = function(session)
    -- `json` encodes the table and sets Content-Type: application/json.
    local resp = session:post(TARGET .. "/items", { json = { name = "widget", qty = 3 } })
    assert(resp.status == 201, "POST /items returned " .. resp.status)
    assert(math.type(resp:json().id) == "integer", "no id in " .. resp.body)
  end,
}
