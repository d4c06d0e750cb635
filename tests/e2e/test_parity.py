"""A Molotov user's workflow, unchanged (issue 14), end to end against
nginx (counting what it saw): scenario_picker's step counted from 1,
listeners that wait (molotov.sleep, requests; their own requests fire no
events), --use-extension, Molotov's accepted flags, and Molotov's own
example molotov.json with its scenario ported to Lua."""
import json
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class Parity(harness.NginxCase):
    def test_picker_step_counts_from_one(self):
        text = """
molotov.scenario_picker(function(wid, step)
  print("STEP " .. step)
  return step == 1 and "first" or "other"
end)
molotov.scenario("first", 1, function(s) print("RAN first") end)
molotov.scenario("other", 1, function(s) print("RAN other") end)
"""
        res = self.run_m(["-r", "3"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(re.findall(r"STEP (\d+)", res.stdout), ["1", "2", "3"])
        self.assertEqual(re.findall(r"RAN (\w+)", res.stdout), ["first", "other", "other"])

    def test_listeners_may_wait_and_request(self):
        text = """
local T = os.getenv("TARGET")
local n = {}
molotov.events(function(ev, info)
  n[ev] = (n[ev] or 0) + 1
  if ev == "scenario_start" then molotov.sleep(0.05) end
  if ev == "sending_request" then molotov.request(T .. "/status/201") end
  if ev == "response_received" then info.session:get(T .. "/json") end
  if ev == "scenario_success" then molotov.request(T .. "/status/202") end
end)
molotov.scenario("a", 1, function(s)
  local r = s:post(T .. "/status/200", { json = { k = "v" }, params = { q = 1 } })
  assert(r.status == 200)
end)
molotov.global_teardown(function()
  print(string.format("EVENTS %d %d %d %d", n.scenario_start, n.sending_request,
                      n.response_received, n.scenario_success))
end)
"""
        res = self.run_m(["-w", "2", "-r", "3"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (6, 0))
        # 6 runs (the workers share the Lua state), one request each; the
        # listeners' own requests fire nothing. Counted once every worker is
        # done (a worker's own teardown may come before the other's last event)
        self.assertEqual(re.findall(r"EVENTS (.*)", res.stdout), ["6 6 6 6"])
        self.web.wait_for_count(24)
        for path in ("/status/200", "/status/201", "/json", "/status/202"):
            self.assertEqual(self.web.count(path=path), 6, path)
        post = self.web.entries(path="/status/200")
        self.assertTrue(all(e["method"] == "POST" for e in post))
        self.assertEqual(self.web.count(), 24)
        # the scenario's run time holds its scenario_start listener's sleep
        m = re.search(r"\n  a\s+6\s+0\s+(-|[\d.]+)\s+([\d.]+)(ms|s)\s", res.stdout)
        self.assertIsNotNone(m, res)
        self.assertGreaterEqual(float(m.group(2)) * (1000 if m.group(3) == "s" else 1), 50)

    def test_listeners_that_misbehave(self):
        text = """
molotov.events(function(ev) if ev == "scenario_start" then coroutine.yield() end end)
molotov.events(function(ev) if ev == "scenario_start" then print("SECOND") end end)
molotov.scenario("a", 1, function(s) end)
"""
        res = self.run_m(["-r", "2"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(res.stdout.count("SECOND"), 2)  # a bare yield skips no listener
        self.assertIn("coroutine.yield() cannot suspend a listener", res.stderr)
        loop = ("molotov.events(function(ev) if ev == 'scenario_start' then "
                "while true do end end end)\nmolotov.scenario('a', 1, function(s) end)\n")
        res = self.run_m(["-w", "1", "-d", "1"], loop, timeout=30)
        self.assertEqual(res.rc, 0, res)  # the listener was dropped after 5 s; the run went on
        self.assertIn("without yielding", res.stderr)
        self.assertLess(res.duration, 15, res)
        slow = ("molotov.events(function(ev) if ev == 'scenario_success' then molotov.sleep(5) "
                "end end)\nmolotov.scenario('a', 1, function(s) end)\n")
        res = self.run_m(["-w", "2", "-d", "1", "--force-shutdown"], slow)
        self.assertLess(res.duration, 3, res)  # waiting listeners end at the deadline too
        self.assertEqual(harness.assert_summary_counts(res.stdout), (2, 0))

    def test_use_extension_flags_and_console(self):
        d = tempfile.mkdtemp(prefix="molotov-ext-")
        ext = os.path.join(d, "ext.lua")
        with open(ext, "w") as f:
            f.write("molotov.global_setup(function() print('EXT SETUP') end)\n"
                    "molotov.events(function(ev) if ev == 'scenario_success' then "
                    "print('EXT SAW') end end)\n")
        ext2 = os.path.join(d, "ext2.lua")
        with open(ext2, "w") as f:
            f.write("print('EXT2 LOADED')\n")
        text = """
local T = os.getenv("TARGET")
molotov.scenario("a", 1, function(s) s:get(T .. "/") end)
"""
        res = self.run_m(["-c", "--disable-dns-resolve", "-r", "2", "--use-extension", ext, ext2],
                         text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(res.stdout.count("EXT SETUP"), 1)
        self.assertEqual(res.stdout.count("EXT SAW"), 2)
        self.assertIn("EXT2 LOADED", res.stdout)
        bad = os.path.join(d, "bad.lua")
        with open(bad, "w") as f:
            f.write("x = = 1\n")
        res = self.run_m(["-r", "1", "--use-extension", bad], text)
        self.assertEqual(res.rc, 2, res)
        self.assertIn("bad.lua:1:", res.stderr)

    def test_molotovs_own_example_file(self):
        d = tempfile.mkdtemp(prefix="molotov-example-")
        os.makedirs(os.path.join(d, "molotov", "tests"))
        # Molotov 2.1's molotov/tests/molotov.json, its scenario's .py made .lua
        conf = {"molotov": {"tests": {
            "big": {"duration": 10, "env": {"SERVER_URL": "http://aserver.net"},
                    "exception": True, "processes": 10, "requirements": "requirements.txt",
                    "scenario": "molotov/tests/example.lua", "workers": 100},
            "scenario_two_once": {"exception": True, "max_runs": 1,
                                  "scenario": "molotov/tests/example.lua",
                                  "single_mode": "scenario_two"},
            "test": {"duration": 1, "exception": True, "scenario": "molotov/tests/example.lua",
                     "verbose": 1}}}}
        with open(os.path.join(d, "molotov.json"), "w") as f:
            json.dump(conf, f)
        with open(os.path.join(d, "molotov", "tests", "example.lua"), "w") as f:
            f.write("local T = os.getenv('TARGET')\n"
                    "molotov.scenario('scenario_one', 5, function(s) s:get(T .. '/') end)\n"
                    "molotov.scenario('scenario_two', 30, function(s) s:get(T .. '/json') end)\n")
        res = harness.run_molotov(["--config", "molotov.json"], cwd=d,
                                  env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 0, res)  # the default test, "test": 1 s
        s, f = harness.assert_summary_counts(res.stdout)
        self.assertGreater(s, 0)
        res = harness.run_molotov(["--config", "molotov.json", "scenario_two_once"], cwd=d,
                                  env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0))
        self.web.wait_for_count(s + 1)
        self.assertEqual(self.web.count(path="/json"),
                         self.web.count() - self.web.count(path="/"))


if __name__ == "__main__":
    harness.main()
