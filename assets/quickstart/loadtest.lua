-- loadtest.lua: written by `molotov quickstart`. Run it with
--   make smoke              (one run of every scenario: a check for CI)
--   make small / make big   (load: see molotov.json)
-- or directly: molotov -w 10 -d 30 loadtest.lua
--
-- Every function below runs in a worker's coroutine: session:get() reads
-- like a blocking call, but only this worker waits for the answer.

local molotov = require("molotov")

-- molotov.json's "env" sets TARGET; the environment wins when it sets it.
local TARGET = os.getenv("TARGET") or "@TARGET@"

-- Once, in the main process, before any worker starts. Requests are
-- allowed; what set_var stores here reaches every worker of every process.
molotov.global_setup(function(args)
  local resp = molotov.request(TARGET .. "/")
  assert(resp.status < 500, "the target is not healthy: " .. resp.status)
  molotov.set_var("started_with", args.workers .. " workers")
end)

-- Once per worker, before its first scenario. The table it returns holds
-- the session's defaults: headers, timeout, auth, cookies...
molotov.setup(function(worker_id, args)
  return {
    headers = { ["User-Agent"] = "molotov-quickstart/" .. worker_id },
    timeout = 10,
  }
end)

-- Once per worker, when its session exists: a place to log in.
molotov.setup_session(function(worker_id, session)
  session.headers["X-Run"] = molotov.get_var("started_with")
end)

-- Weights are relative: 60 / 30 / 10 of the runs.
molotov.scenario("homepage", 60, function(session)
  local resp = session:get(TARGET .. "/")
  -- a status never fails a scenario by itself: assert what you expect
  assert(resp.status == 200, "GET / returned " .. resp.status)
end)

molotov.scenario("read_json", 30, function(session)
  local resp = session:get(TARGET .. "/json")
  assert(resp.status == 200, "GET /json returned " .. resp.status)
  assert(type(resp:json()) == "table", "not a JSON object")
end)

-- The table form adds `delay`: seconds of think time after each success.
molotov.scenario {
  name = "create_item",
  weight = 10,
  delay = 0.01,
  run = function(session)
    local resp = session:post(TARGET .. "/items", { json = { name = "quickstart" } })
    assert(resp.status == 201, "POST /items returned " .. resp.status)
  end,
}

-- Once per worker, after its last scenario (errors are reported, not fatal).
molotov.teardown_session(function(worker_id, session) end)

-- Once per worker that started, even if its setup failed.
molotov.teardown(function(worker_id) end)

-- Once, in the main process, after every worker ended.
molotov.global_teardown(function() end)
