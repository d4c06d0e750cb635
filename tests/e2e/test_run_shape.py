"""How a run is shaped (docs/cli.md "Run shape"): workers, duration, max runs,
single run, single mode, delays, ramp-up, -x, -f, weights and the picker.
Every count molotov reports is compared with nginx's access log."""
import json
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOME = """
local T = os.getenv("TARGET")
molotov.scenario("home", 1, function(s)
  assert(s:get(T .. "/").status == 200)
end)
"""

THREE = """
local T = os.getenv("TARGET")
molotov.scenario("c_third", 1, function(s) assert(s:get(T .. "/status/204").status == 204) end)
molotov.scenario("a_first", 1, function(s) assert(s:get(T .. "/").status == 200) end)
molotov.scenario("b_second", 1, function(s) assert(s:get(T .. "/json").status == 200) end)
molotov.events(function(ev, info)
  if ev == "scenario_start" then print("START " .. info.wid .. " " .. info.scenario.name) end
end)
"""


class RunShape(harness.NginxCase):
    def test_50_workers_successes_equal_nginx_log(self):
        res = self.run_m(["-w", "50", "-d", "3"], HOME)
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0)
        self.assertGreater(ok, 1000)
        self.assertEqual(self.web.wait_for_count(ok, path="/", status=200), ok)
        self.assertEqual(self.web.count(), ok)
        self.assertGreaterEqual(res.duration, 3.0)
        self.assertLess(res.duration, 8.0 if harness.sanitized_build() else 6.0)

    def test_max_runs_is_exact_per_worker(self):
        res = self.run_m(["-w", "4", "-r", "7"], HOME)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (28, 0))
        self.assertEqual(self.web.wait_for_count(28), 28)

    def test_single_run_runs_every_scenario_once_in_name_order(self):
        res = self.run_m(["-w", "2", "--single-run"], THREE)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (6, 0))
        for wid in (0, 1):
            order = re.findall(r"START %d (\S+)" % wid, res.stdout)
            self.assertEqual(order, ["a_first", "b_second", "c_third"])
        self.web.wait_for_count(6)
        self.assertEqual(self.web.count(path="/"), 2)
        self.assertEqual(self.web.count(path="/json"), 2)
        self.assertEqual(self.web.count(path="/status/204"), 2)

    def test_single_mode_runs_only_that_scenario(self):
        res = self.run_m(["-w", "2", "-r", "5", "-s", "b_second"], THREE)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (10, 0))
        self.web.wait_for_count(10)
        self.assertEqual(self.web.count(path="/json"), 10)
        self.assertEqual(self.web.count(), 10)

    def test_duration_ends_the_run(self):
        res = self.run_m(["-w", "5", "-d", "1.5"], HOME)
        self.assertEqual(res.rc, 0, res)
        self.assertGreaterEqual(res.duration, 1.5)
        self.assertLess(res.duration, 4.0)
        ok, _ = harness.assert_summary_counts(res.stdout)
        self.assertEqual(self.web.wait_for_count(ok), ok)

    def test_delay_sleeps_after_each_run(self):
        res = self.run_m(["-w", "1", "-d", "2", "--delay", "0.5"], HOME)
        self.assertEqual(res.rc, 0, res)
        ok, _ = harness.assert_summary_counts(res.stdout)
        self.assertIn(ok, (4, 5), res)
        self.assertEqual(self.web.wait_for_count(ok), ok)

    def test_scenario_table_form_delay(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario{ name = "slowly", weight = 1, delay = 0.5, run = function(s)
  assert(s:get(T .. "/").status == 200)
end }
"""
        res = self.run_m(["-w", "1", "-d", "2"], text)
        self.assertEqual(res.rc, 0, res)
        ok, _ = harness.assert_summary_counts(res.stdout)
        self.assertIn(ok, (4, 5), res)

    def test_ramp_up_starts_workers_progressively(self):
        text = HOME + """
local runs = {}
molotov.events(function(ev, info)
  if ev == "scenario_success" then runs[info.wid] = (runs[info.wid] or 0) + 1 end
end)
molotov.teardown(function(wid) print("RUNS " .. wid .. " " .. (runs[wid] or 0)) end)
"""
        res = self.run_m(["-w", "4", "-d", "3", "--ramp-up", "2", "--delay", "0.1"], text)
        self.assertEqual(res.rc, 0, res)
        runs = {int(w): int(n) for w, n in re.findall(r"RUNS (\d+) (\d+)", res.stdout)}
        self.assertEqual(sorted(runs), [0, 1, 2, 3], res)
        # worker i starts after i * 0.5 s and, as in Molotov, runs its own 3 s:
        # each about 30 runs, and the run lasts about 1.5 + 3 s
        for i in range(4):
            self.assertGreaterEqual(runs[i], 20, runs)
            self.assertLessEqual(runs[i], 31, runs)
        self.assertGreaterEqual(res.duration, 4.4, res)
        self.assertLess(res.duration, 7, res)

    def test_a_pools_ramp_is_evenly_spaced(self):
        # -p 2 -w 2 --ramp-up 2: four workers over 2 s, one every 0.5 s across
        # the pool (child 1 starts its workers half a step after child 0's)
        text = """
local T = os.getenv("TARGET")
molotov.scenario("once", 1, function(s) s:get(T .. "/?w=" .. s.worker_id) end)
"""
        res = self.run_m(["-p", "2", "-w", "2", "--ramp-up", "2", "-r", "1"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(self.web.wait_for_count(4, path="/"), 4)
        at = {int(e["query"][2:]): e["msec"] for e in self.web.access_log_lines()}
        self.assertEqual(sorted(at), [0, 1, 2, 3], at)
        starts = sorted(at.values())
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        for g in gaps:  # 0.5 s each; two starts at once would be a gap of 0
            self.assertGreater(g, 0.3, gaps)
            self.assertLess(g, 0.8, gaps)

    def test_exception_stops_at_first_failure(self):
        text = """
local T = os.getenv("TARGET")
local n = 0
molotov.scenario("count", 1, function(s)
  n = n + 1
  s:get(T .. "/")
  if n == 5 then error("fifth") end
end)
"""
        res = self.run_m(["-w", "1", "-d", "30", "-x"], text)
        self.assertEqual(res.rc, 1, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (4, 1))
        self.assertIn("fifth", res.stdout)
        self.assertEqual(self.web.wait_for_count(5), 5)
        self.assertLess(res.duration, 10)

    def test_fail_is_a_criterion_and_abort_after_stops(self):
        text = """
local T = os.getenv("TARGET")
local n = 0
molotov.scenario("flaky", 1, function(s)
  n = n + 1
  assert(s:get(T .. (n % 2 == 0 and "/status/503" or "/")).status == 200, "unavailable")
end)
"""
        # Molotov's -f: the run goes to its end, then fails when failures >= N
        res = self.run_m(["-w", "1", "-r", "10", "-f", "3"], text)
        self.assertEqual(res.rc, 1, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (5, 5))
        self.assertIn("-f 3 allowed fewer", res.stderr)
        res = self.run_m(["-w", "1", "-r", "10", "-f", "6"], text)
        self.assertEqual(res.rc, 0, res)  # 5 < 6
        # --abort-after: stops the load at once
        res = self.run_m(["-w", "1", "-d", "30", "--abort-after", "3"], text)
        self.assertEqual(res.rc, 1, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (3, 3))
        self.assertIn("3 failures reached (--abort-after)", res.stdout)

    def test_weights_split_the_runs(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("heavy", 3, function(s) s:get(T .. "/") end)
molotov.scenario("light", 1, function(s) s:get(T .. "/json") end)
"""
        res = self.run_m(["-w", "4", "-r", "500"], text)
        self.assertEqual(res.rc, 0, res)
        self.web.wait_for_count(2000)
        heavy, light = self.web.count(path="/"), self.web.count(path="/json")
        self.assertEqual(heavy + light, 2000)
        self.assertLess(abs(heavy - 1500), 120, (heavy, light))  # > 5 standard deviations

    def test_weight_only_form_is_named_after_its_line(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario(1, function(s) s:get(T .. "/") end)
molotov.events(function(ev, info)
  if ev == "scenario_start" then print("NAME " .. info.scenario.name) end
end)
"""
        res = self.run_m(["--single-run"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertRegex(res.stdout, r"NAME \S*scenario\.lua:3\n")

    def test_scenario_picker_decides(self):
        text = THREE + """
molotov.scenario_picker(function(wid, step)
  if step % 2 == 0 then return "a_first" else return "c_third" end
end)
"""
        res = self.run_m(["-w", "2", "-r", "6"], text)
        self.assertEqual(res.rc, 0, res)
        self.web.wait_for_count(12)
        self.assertEqual(self.web.count(path="/"), 6)
        self.assertEqual(self.web.count(path="/status/204"), 6)

    def test_picker_returning_unknown_name_stops_the_run(self):
        res = self.run_m(["-w", "1", "-d", "10"],
                         HOME + "molotov.scenario_picker(function() return 'nope' end)\n")
        self.assertEqual(res.rc, 1, res)
        self.assertIn("nope", res.stdout + res.stderr)
        self.assertEqual(self.web.count(), 0)

    def test_sleep_suspends_only_its_worker(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("mixed", 1, function(s)
  if s.worker_id == 0 then molotov.sleep(1.0) else s:get(T .. "/") end
end)
"""
        res = self.run_m(["-w", "2", "-d", "1.5"], text)
        self.assertEqual(res.rc, 0, res)
        ok, _ = harness.assert_summary_counts(res.stdout)
        served = self.web.wait_for_count(ok - 2)
        self.assertGreater(served, 200, "worker 1 was blocked by worker 0's sleep")

    def test_coroutine_yield_is_a_failure_not_a_hang(self):
        res = self.run_m(["--single-run"],
                         "molotov.scenario('y', 1, function(s)\n  coroutine.yield()\nend)\n",
                         timeout=20)
        self.assertEqual(res.rc, 1, res)
        self.assertRegex(res.stdout, r"scenario\.lua:2: coroutine\.yield\(\) cannot suspend")

    def test_force_shutdown_cancels_in_flight_at_the_deadline(self):
        text = """
local T = os.getenv("SLOW_TARGET")
molotov.teardown(function(wid) print("TEARDOWN " .. wid) end)
molotov.scenario("slow", 1, function(s) assert(s:get(T .. "/delay/3000").status == 200) end)
"""
        with harness.MolotovServe() as srv:
            env = {"SLOW_TARGET": srv.url}
            out = os.path.join(tempfile.mkdtemp(prefix="molotov-cancel-"), "cancel.json")
            res = self.run_m(["-w", "2", "-d", "1", "--force-shutdown", "--json", out], text,
                             env=env)
            self.assertEqual(res.rc, 1, res)  # no run succeeded
            self.assertLess(res.duration, 2.9, res)  # not the 3 s of the requests
            self.assertEqual(harness.assert_summary_counts(res.stdout), (0, 0))
            self.assertIn("Cancelled runs (neither ok nor failed): 2",
                          res.stdout)
            self.assertIn("no scenario run succeeded (0 failed, 2 cancelled", res.stderr)
            rep = json.load(open(out))
            self.assertEqual(rep["totals"]["cancelled"], 2)
            self.assertEqual(rep["scenarios"]["slow"]["cancelled"], 2)
            self.assertEqual(rep["scenarios"]["slow"]["latency_ms"]["count"], 0)
            self.assertIsNone(rep["scenarios"]["slow"]["latency_ms"]["p99"])
            self.assertEqual(res.stdout.count("TEARDOWN "), 2, res)
            res = self.run_m(["-w", "2", "-d", "1"], text, env=env)  # without: they finish
            self.assertGreaterEqual(res.duration, 3.0, res)
            self.assertEqual(harness.assert_summary_counts(res.stdout), (2, 0))


if __name__ == "__main__":
    harness.main()
