-- smoke.lua: a CI smoke check of a `molotov serve` target, meant for
-- --single-run: every worker runs every scenario once, in name order, and
-- any failure makes molotov exit 1.
--
--   molotov serve --port 8080 &
--   TARGET=http://127.0.0.1:8080 molotov --single-run scenarios/smoke.lua
--
-- Scenario names are numbered so that name order is the order below.

local molotov = require("molotov")

local TARGET = os.getenv("TARGET") or "http://127.0.0.1:8080"

-- Fail early and clearly when the target is not there: global_setup runs
-- before any worker, and an error in it exits 2 before the load starts.
molotov.global_setup(function()
  local ok, err = pcall(molotov.request, TARGET .. "/")
  if not ok then error("smoke: target " .. TARGET .. " is not answering (" .. err .. ")", 0) end
end)

local function expect(resp, status, what)
  if resp.status ~= status then
    error(string.format("%s: expected %d, got %d", what, status, resp.status), 2)
  end
  return resp
end

molotov.scenario("01_root", 1, function(session)
  local resp = expect(session:get(TARGET .. "/"), 200, "GET /")
  assert(resp.body == "Hello from molotov serve\n", "unexpected body: " .. resp.body)
  assert(resp.headers["Content-Type"]:find("text/plain", 1, true))
  assert(resp.ok and resp.elapsed >= 0)
end)

molotov.scenario("02_json", 1, function(session)
  local resp = expect(session:get(TARGET .. "/json"), 200, "GET /json")
  assert(resp:json().hello == "world")
end)

molotov.scenario("03_create", 1, function(session)
  local first = expect(session:post(TARGET .. "/items", { json = { n = 1 } }), 201, "POST /items")
  local second = expect(session:post(TARGET .. "/items", { json = { n = 2 } }), 201, "POST /items")
  assert(second:json().id > first:json().id, "ids do not grow")
end)

molotov.scenario("04_echo", 1, function(session)
  local resp = expect(session:put(TARGET .. "/echo", {
    params = { q = "a b", page = 2 },
    body = "12345",
  }), 200, "PUT /echo")
  local echo = resp:json()
  assert(echo.method == "PUT", echo.method)
  assert(echo.body_length == 5, echo.body_length)
  -- params are URL-encoded into the query string (in no particular order)
  assert(echo.path:find("q=a%20b", 1, true) and echo.path:find("page=2", 1, true), echo.path)
end)

molotov.scenario("05_verbs", 1, function(session)
  expect(session:head(TARGET .. "/"), 200, "HEAD /")
  expect(session:delete(TARGET .. "/echo"), 200, "DELETE /echo")
  expect(session:options(TARGET .. "/echo"), 200, "OPTIONS /echo")
  expect(session:request("patch", TARGET .. "/echo", { json = {} }), 200, "PATCH /echo")
end)

molotov.scenario("06_status", 1, function(session)
  -- non-2xx statuses are answers, not failures
  local resp = expect(session:get(TARGET .. "/status/503"), 503, "GET /status/503")
  assert(not resp.ok)
  expect(session:get(TARGET .. "/nowhere"), 404, "GET /nowhere")
end)

molotov.scenario("07_bytes", 1, function(session)
  local resp = expect(session:get(TARGET .. "/bytes/100000"), 200, "GET /bytes/100000")
  assert(#resp.body == 100000, #resp.body)
end)

molotov.scenario("08_timeout", 1, function(session)
  -- a request slower than its timeout raises a transport error
  local ok, err = pcall(session.get, session, TARGET .. "/delay/2000", { timeout = 0.1 })
  assert(not ok and err:find("timeout: ", 1, true), tostring(err))
end)
