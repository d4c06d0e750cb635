"""Fixtures, args, worker ids, vars, molotov.request and events
(docs/lua-api.md): what runs, in which order, with which arguments."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ORDER = """
local T = os.getenv("TARGET")
local function log(...) print("FIX", ...) end
molotov.global_setup(function(args)
  log("global_setup", args.workers, args.max_runs, args.duration)
  molotov.set_var("token", molotov.request(T .. "/json"):json().server)
end)
molotov.setup(function(wid, args)
  log("setup", wid, args.workers)
  local r = molotov.request("POST", T .. "/", { body = "x" })
  return { headers = { ["X-Token"] = molotov.get_var("token") .. wid } }
end)
molotov.setup_session(function(wid, session)
  log("setup_session", wid, session.worker_id, session.headers["X-Token"])
end)
molotov.scenario("s", 1, function(session)
  log("scenario", session.worker_id, session.step)
  session:get(T .. "/")
end)
molotov.teardown_session(function(wid, session) log("teardown_session", wid, session.step) end)
molotov.teardown(function(wid) log("teardown", wid) end)
molotov.global_teardown(function(...) log("global_teardown", select("#", ...)) end)
"""


def fixture_lines(out):
    return [l.split("\t")[1:] for l in out.splitlines() if l.startswith("FIX\t")]


class Fixtures(harness.NginxCase):
    def test_order_and_arguments(self):
        res = self.run_m(["-w", "2", "-r", "2"], ORDER)
        self.assertEqual(res.rc, 0, res)
        lines = fixture_lines(res.stdout)
        self.assertEqual(lines[0], ["global_setup", "2", "2", "86400"])
        self.assertEqual(lines[-1], ["global_teardown", "0"])
        for wid in ("0", "1"):
            mine = [l for l in lines if len(l) > 1 and l[1] == wid and not l[0].startswith("global")]
            self.assertEqual([l[0] for l in mine],
                             ["setup", "setup_session", "scenario", "scenario",
                              "teardown_session", "teardown"], lines)
            self.assertEqual(mine[0], ["setup", wid, "2"])
            self.assertEqual(mine[1], ["setup_session", wid, wid, "nginx" + wid])
            self.assertEqual([m[2] for m in mine[2:4]], ["1", "2"])  # session.step
            self.assertEqual(mine[4], ["teardown_session", wid, "2"])
        # global_setup's GET, each setup's POST, 4 scenario GETs
        self.web.wait_for_count(7)
        self.assertEqual(self.web.count(path="/json"), 1)
        self.assertEqual(self.web.count(method="POST"), 2)
        self.assertEqual(self.web.count(method="GET", path="/"), 4)

    def test_setup_error_is_reported_and_teardown_still_runs(self):
        text = """
local T = os.getenv("TARGET")
molotov.setup(function(wid) error("no credentials") end)
molotov.teardown(function(wid) print("TEARDOWN " .. wid) end)
molotov.scenario("s", 1, function(s) s:get(T .. "/") end)
"""
        res = self.run_m(["-w", "1", "-d", "10"], text, timeout=20)
        self.assertEqual(res.rc, 1, res)
        self.assertIn("setup failed (worker 0): ", res.stderr)
        self.assertIn("scenario.lua:3: no credentials", res.stderr)
        self.assertIn("TEARDOWN 0", res.stdout)
        self.assertEqual(self.web.count(), 0)

    def test_setup_returning_bad_options_is_a_setup_error(self):
        text = HOME_WITH("molotov.setup(function() return { colour = 'red' } end)")
        res = self.run_m(["-w", "1", "-d", "10"], text, timeout=20)
        self.assertEqual(res.rc, 1, res)
        self.assertIn("unknown request option 'colour'", res.stderr)

    def test_teardown_errors_are_reported_not_fatal(self):
        text = HOME_WITH("molotov.teardown_session(function() error('ts boom') end)\n"
                         "molotov.teardown(function() error('td boom') end)\n"
                         "molotov.global_teardown(function() error('gt boom') end)")
        res = self.run_m(["-w", "2", "-r", "3"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (6, 0))
        self.assertEqual(res.stderr.count("ts boom"), 2, res)
        self.assertEqual(res.stderr.count("td boom"), 2, res)
        self.assertEqual(res.stderr.count("gt boom"), 1, res)

    def test_vars_and_factory(self):
        text = """
local T = os.getenv("TARGET")
local made = 0
molotov.global_setup(function() molotov.set_var("answer", 42) end)
molotov.scenario("s", 1, function(s)
  assert(molotov.get_var("answer") == 42)
  assert(molotov.get_var("missing") == nil)
  local v = molotov.get_var("lazy", function() made = made + 1; return {n = made} end)
  assert(v.n == 1, "factory ran again")
end)
molotov.global_teardown(function() print("MADE " .. made) end)
"""
        res = self.run_m(["-w", "3", "-r", "4"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (12, 0))
        self.assertIn("MADE 1", res.stdout)

    def test_args_are_read_only(self):
        text = HOME_WITH("molotov.setup(function(wid, args) args.workers = 9 end)")
        res = self.run_m(["-w", "1", "-d", "10"], text, timeout=20)
        self.assertEqual(res.rc, 1, res)
        self.assertIn("read-only", res.stderr)

    def test_request_outside_a_coroutine_is_refused(self):
        res = self.run_m([], "molotov.request('http://127.0.0.1:9/')\n" + HOME_WITH(""))
        self.assertEqual(res.rc, 2, res)
        self.assertIn("scenario.lua:1:", res.stderr)
        self.assertIn("only be made from a scenario or a fixture", res.stderr)

    def test_events(self):
        text = """
local T = os.getenv("TARGET")
local n = {}
molotov.events(function(ev, info)
  n[ev] = (n[ev] or 0) + 1
  if ev == "sending_request" then assert(info.request.method == "GET" and info.session) end
  if ev == "response_received" then assert(info.response.status == 200 and info.request.url) end
  if ev == "scenario_failure" then assert(info.exception:find("odd")) end
  if ev == "current_workers" then assert(info.workers >= 0) end
end)
molotov.events(function(ev) if ev == "scenario_start" then error("listener boom") end end)
molotov.scenario("s", 1, function(s)
  s:get(T .. "/")
  if s.step % 2 == 1 then error("odd") end
end)
molotov.global_teardown(function()
  for _, k in ipairs({"scenario_start", "scenario_success", "scenario_failure",
                      "sending_request", "response_received", "current_workers"}) do
    print("EV " .. k .. " " .. (n[k] or 0))
  end
end)
"""
        res = self.run_m(["-w", "2", "-d", "2.5", "--delay", "0.2"], text)
        self.assertEqual(res.rc, 0, res)
        ev = {k: int(v) for k, v in re.findall(r"EV (\w+) (\d+)", res.stdout)}
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(ev["scenario_start"], ok + failed)
        self.assertEqual(ev["scenario_success"], ok)
        self.assertEqual(ev["scenario_failure"], failed)
        self.assertEqual(ev["sending_request"], ok + failed)
        self.assertEqual(ev["response_received"], ok + failed)
        self.assertGreaterEqual(ev["current_workers"], 2)
        self.assertIn("listener boom", res.stderr)  # reported, and the run went on
        self.assertEqual(self.web.wait_for_count(ok + failed), ok + failed)


def HOME_WITH(extra):
    return ("local T = os.getenv('TARGET')\n" + extra + "\n"
            "molotov.scenario('home', 1, function(s) assert(s:get(T .. '/').status == 200) end)\n")


if __name__ == "__main__":
    harness.main()
