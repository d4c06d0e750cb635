-- httpbin.lua: a tour of the scenario API against httpbin
-- (https://httpbin.org or a local one; Debian: apt install python3-httpbin gunicorn).
--
--   /usr/bin/gunicorn -b 127.0.0.1:8000 -k gthread --threads 8 httpbin:app &
--   TARGET=http://127.0.0.1:8000 molotov -w 4 -d 10 scenarios/httpbin.lua
--
-- It shows every fixture in the order the runner calls it, variables shared
-- through set_var/get_var, an events listener, bearer and basic auth,
-- cookies, params, json and form bodies, redirects, request labels and
-- transport errors caught with pcall.
--
-- Use an IP address in TARGET (127.0.0.1, not localhost): see the note on
-- session cookies in the README.

local molotov = require("molotov")

local TARGET = os.getenv("TARGET") or "http://127.0.0.1:8000"

-- Counters filled by the events listener. Each process has its own Lua
-- state, so these are per-process counts.
local counts = { sent = 0, received = 0, by_status = {}, failures = 0 }

---------------------------------------------------------------------------
-- Fixtures, in the order they run
---------------------------------------------------------------------------

-- 1. global_setup(args): once, before any worker starts. molotov.request
-- works here; whatever set_var stores is visible to every worker.
molotov.global_setup(function(args)
  local resp = molotov.request(TARGET .. "/uuid")
  assert(resp.status == 200, "cannot reach httpbin at " .. TARGET .. " (" .. resp.status .. ")")
  molotov.set_var("token", resp:json().uuid)
  -- args holds the run's options, keyed like the long flags.
  molotov.set_var("workers", args.workers)
end)

-- 2. setup(worker_id, args): once per worker; the table it returns holds
-- the session's default options.
molotov.setup(function(worker_id, args)
  return {
    headers = { ["X-Token"] = molotov.get_var("token") },
    -- basic auth for every request of the session (an explicit
    -- Authorization header, as in the "bearer" scenario, takes precedence)
    auth = { "alice", "s3cret" },
    -- session-level cookies seed this worker's cookie jar
    cookies = { worker = tostring(worker_id) },
    timeout = 10,
  }
end)

-- 3. setup_session(worker_id, session): once per worker, after its session
-- exists. session.headers is the mutable table of default headers.
molotov.setup_session(function(worker_id, session)
  session.headers["X-Worker"] = tostring(session.worker_id)
end)

-- 4. teardown_session(worker_id, session): after the worker's last scenario.
molotov.teardown_session(function(worker_id, session)
  -- a last request is allowed here; its errors are reported, not fatal
  local resp = session:get(TARGET .. "/cookies")
  assert(resp:json().cookies.worker == tostring(worker_id))
end)

-- 5. teardown(worker_id): once per worker that started.
molotov.teardown(function(worker_id) end)

-- 6. global_teardown(): once, after every worker ended.
molotov.global_teardown(function()
  local statuses = {}
  for code, n in pairs(counts.by_status) do
    statuses[#statuses + 1] = code .. "=" .. n
  end
  table.sort(statuses)
  print(string.format("httpbin.lua: %d requests sent, %d responses (%s), %d failed scenarios",
    counts.sent, counts.received, table.concat(statuses, " "), counts.failures))
end)

---------------------------------------------------------------------------
-- Events: a listener sees every request, response and scenario outcome.
-- Listeners must not yield: no HTTP request and no molotov.sleep in here.
---------------------------------------------------------------------------
molotov.events(function(event, info)
  if event == "sending_request" then
    counts.sent = counts.sent + 1
  elseif event == "response_received" then
    counts.received = counts.received + 1
    local s = info.response.status
    counts.by_status[s] = (counts.by_status[s] or 0) + 1
  elseif event == "scenario_failure" then
    counts.failures = counts.failures + 1
  end
end)

---------------------------------------------------------------------------
-- Scenarios
---------------------------------------------------------------------------

-- The session's `auth` sends basic auth with every request...
molotov.scenario("basic_auth", 15, function(session)
  local resp = session:get(TARGET .. "/basic-auth/alice/s3cret")
  assert(resp.status == 200, "basic auth: " .. resp.status)
  assert(resp:json().user == "alice")
end)

-- ...unless a request gives its own Authorization header. Per-request
-- headers are merged over the session's (X-Token, X-Worker still go).
molotov.scenario("bearer", 30, function(session)
  local token = molotov.get_var("token")
  local resp = session:get(TARGET .. "/bearer", {
    headers = { Authorization = "Bearer " .. token },
    name = "GET /bearer (token)", -- the label its statistics are kept under
  })
  assert(resp.status == 200, "bearer: " .. resp.status)
  -- (not comparing the echoed token: Debian's httpbin strips leading
  -- "Bearer " characters off it, so a uuid starting with a/e comes back cut)
  assert(resp:json().authenticated == true)
  resp = session:get(TARGET .. "/headers")
  assert(resp:json().headers["X-Token"] == token)
end)

-- The jar keeps what the server sets; follow_redirects follows the 302.
molotov.scenario("cookies", 20, function(session)
  local step = tostring(session.step)
  local resp = session:get(TARGET .. "/cookies/set", {
    params = { step = step },
    follow_redirects = true,
  })
  -- resp.url is the final URL, after the redirect
  assert(resp.status == 200 and resp.url:find("/cookies$"), resp.url)
  local jar = resp:json().cookies
  assert(jar.step == step, "cookie step: " .. tostring(jar.step))
  assert(jar.worker == tostring(session.worker_id), "session cookie missing")
  -- a per-request cookie goes with this request only
  resp = session:get(TARGET .. "/cookies", { cookies = { once = "yes" } })
  assert(resp:json().cookies.once == "yes")
end)

-- Bodies: json, form and raw.
molotov.scenario("bodies", 25, function(session)
  local resp = session:post(TARGET .. "/post", { json = { name = "x", tags = { "a", "b" } } })
  local echo = resp:json()
  assert(echo.json.name == "x" and echo.json.tags[2] == "b")
  assert(echo.headers["X-Worker"] == tostring(session.worker_id))

  resp = session:put(TARGET .. "/put", { form = { q = "a b&c" } })
  assert(resp:json().form.q == "a b&c")

  resp = session:patch(TARGET .. "/patch", {
    body = "<x/>",
    headers = { ["Content-Type"] = "application/xml" },
  })
  assert(resp:json().data == "<x/>")
end)

-- Status codes never fail a scenario by themselves; transport errors do,
-- unless caught with pcall.
molotov.scenario("errors", 10, function(session)
  local resp = session:get(TARGET .. "/status/503")
  assert(resp.status == 503 and not resp.ok)

  -- nothing listens on port 1: "connection refused: http://127.0.0.1:1/"
  local ok, err = pcall(session.get, session, "http://127.0.0.1:1/")
  assert(not ok and err:find("connection refused", 1, true), err)

  -- a timeout is a transport error too
  ok, err = pcall(session.get, session, TARGET .. "/delay/2", { timeout = 0.2 })
  assert(not ok and err:find("timeout", 1, true), err)
end)
