"""-p N, the process pool (issue 3): one combined view whose numbers equal
what nginx saw, unique worker ids, global fixtures once with their vars in
every process, stops that reach every process, signals, crashes, and no
process left behind."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOME = """
local T = os.getenv("TARGET")
molotov.scenario("home", 1, function(s) assert(s:get(T .. "/").status == 200) end)
"""


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


class Pool(harness.NginxCase):
    def test_three_processes_count_what_nginx_saw(self):
        res = self.run_m(["-p", "3", "-w", "4", "-d", "3"], HOME)
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0)
        self.assertGreater(ok, 1000)
        self.assertEqual(self.web.wait_for_count(ok), ok)
        self.assertEqual(self.web.count(), ok)
        pids = set(re.findall(r"^\[(\d+)\] Preparing 4 workers\.\.\.$", res.stdout, re.M))
        self.assertEqual(len(pids), 3, res)
        self.assertIn("Forking 3 processes", res.stdout)
        self.assertLess(res.duration, 6)

    def test_worker_ids_are_unique_across_processes(self):
        text = HOME + """
molotov.setup(function(wid) print("WID " .. wid .. " " .. molotov.get_var("pid")) end)
molotov.global_setup(function() molotov.set_var("pid", "x") end)
"""
        res = self.run_m(["-p", "3", "-w", "2", "--single-run"], text)
        self.assertEqual(res.rc, 0, res)
        wids = sorted(int(w) for w in re.findall(r"^WID (\d+) x$", res.stdout, re.M))
        self.assertEqual(wids, [0, 1, 2, 3, 4, 5], res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (6, 0))

    def test_global_fixtures_run_once_and_vars_reach_every_process(self):
        text = """
local T = os.getenv("TARGET")
molotov.global_setup(function(args)
  print("GLOBAL_SETUP " .. args.processes)
  local r = molotov.request(T .. "/json")
  molotov.set_var("token", { server = r:json().server, n = 42 })
end)
molotov.scenario("s", 1, function(s)
  local t = molotov.get_var("token")
  assert(t.server == "nginx" and t.n == 42, "vars did not arrive")
  s:get(T .. "/")
end)
molotov.global_teardown(function() print("GLOBAL_TEARDOWN") end)
"""
        res = self.run_m(["-p", "3", "-w", "2", "-r", "5"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(res.stdout.count("GLOBAL_SETUP 3"), 1, res)
        self.assertEqual(res.stdout.count("GLOBAL_TEARDOWN"), 1, res)
        self.assertLess(res.stdout.index("GLOBAL_SETUP"), res.stdout.index("] OK"))
        self.assertEqual(harness.assert_summary_counts(res.stdout), (30, 0))
        self.web.wait_for_count(31)
        self.assertEqual(self.web.count(path="/json"), 1)
        self.assertEqual(self.web.count(path="/"), 30)

    def test_vars_that_cannot_travel_are_a_clear_error(self):
        text = HOME + "molotov.global_setup(function() molotov.set_var('f', print) end)\n"
        res = self.run_m(["-p", "2", "-d", "5"], text)
        self.assertEqual(res.rc, 2, res)
        self.assertIn("cannot reach the worker processes", res.stderr)
        self.assertEqual(self.web.count(), 0)

    def test_exception_stops_every_process(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("s", 1, function(s)
  s:get(T .. "/")
  if s.worker_id == 4 and s.step == 3 then error("worker 4 broke") end
end)
"""
        res = self.run_m(["-p", "3", "-w", "2", "-d", "30", "-x", "--delay", "0.05"], text)
        self.assertEqual(res.rc, 1, res)
        self.assertLess(res.duration, 8, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 1, res)
        self.assertIn("worker 4 broke", res.stdout)
        self.assertEqual(self.web.wait_for_count(ok + failed), ok + failed)

    def test_abort_after_counts_all_processes(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("bad", 1, function(s)
  assert(s:get(T .. "/status/500").status == 200, "server error")
end)
"""
        res = self.run_m(["-p", "3", "-w", "1", "-d", "30", "--abort-after", "20", "--delay",
                          "0.02"], text)
        self.assertEqual(res.rc, 1, res)
        self.assertLess(res.duration, 8, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertGreaterEqual(failed, 20)
        self.assertIn("20 failures reached (--abort-after)", res.stdout)
        self.assertEqual(self.web.wait_for_count(failed), failed)
        # -f: the failures of every process count, at the end
        res = self.run_m(["-p", "3", "-w", "1", "-r", "4", "-f", "12"], text)
        self.assertEqual(res.rc, 1, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (0, 12))

    def test_delay_and_ramp_up_apply_in_every_process(self):
        res = self.run_m(["-p", "2", "-w", "2", "-d", "2", "--delay", "0.5",
                          "--ramp-up", "1"], HOME)
        self.assertEqual(res.rc, 0, res)
        ok, _ = harness.assert_summary_counts(res.stdout)
        # workers 0 of each process: ~4 runs; workers 1 start at 0.5 s: ~3 runs
        self.assertGreaterEqual(ok, 12, res)
        self.assertLessEqual(ok, 16, res)

    def test_events_in_children_and_current_workers_in_main(self):
        text = HOME + """
local starts, current = 0, 0
molotov.events(function(ev, info)
  if ev == "scenario_start" then starts = starts + 1 end
  if ev == "current_workers" then current = current + 1; peak = math.max(peak or 0, info.workers) end
end)
molotov.teardown(function(wid) print("STARTS " .. wid .. " " .. starts) end)
molotov.global_teardown(function() print("CURRENT " .. current .. " " .. tostring(peak)) end)
"""
        res = self.run_m(["-p", "2", "-w", "1", "-d", "2.5", "--delay", "0.1"], text)
        self.assertEqual(res.rc, 0, res)
        starts = [int(n) for n in re.findall(r"^STARTS \d+ (\d+)$", res.stdout, re.M)]
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(len(starts), 2, res)
        self.assertEqual(sum(starts), ok + failed)
        m = re.search(r"^CURRENT (\d+) (\d+)$", res.stdout, re.M)
        self.assertIsNotNone(m, res)
        self.assertGreaterEqual(int(m.group(1)), 2)
        # both processes' workers, seen from main (the peak: a tick during the
        # children's exit may see fewer)
        self.assertEqual(int(m.group(2)), 2)


class Signals(unittest.TestCase):
    """Ctrl-C, a killed child and a killed main process, with real pids."""

    def start(self, target, processes=2, delay_ms=300):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "scenario.lua")
        with open(path, "w") as f:
            f.write("local T = os.getenv('TARGET')\nmolotov.scenario('slow', 1, function(s)\n"
                    f"  assert(s:get(T .. '/delay/{delay_ms}').status == 200)\nend)\n")
        proc = subprocess.Popen([harness.molotov_bin(), "-p", str(processes), "-w", "3",
                                 "-d", "60", path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True,
                                env=dict(os.environ, TARGET=target))
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        kids = []
        while len(kids) < processes:  # each child says "[pid] OK" once its workers run
            line = proc.stdout.readline()
            if not line:
                self.fail("molotov ended early: " + proc.stderr.read())
            m = re.match(r"^\[(\d+)\] OK$", line.strip())
            if m:
                kids.append(int(m.group(1)))
        self.assertEqual([parent_of(k) for k in kids], [proc.pid] * processes)
        return proc, kids

    def assert_gone(self, pids):
        harness.wait_until(lambda: not any(harness.process_alive(p) for p in pids), 10,
                           f"processes {pids} to end")

    def test_sigint_finishes_in_flight_prints_summary_leaves_nothing(self):
        with harness.MolotovServe() as srv:
            proc, kids = self.start(srv.url)
            time.sleep(0.8)  # let some scenarios complete: load, not synchronisation
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 130, out + err)
        ok, failed = harness.assert_summary_counts(out)
        self.assertEqual(failed, 0, out + err)
        self.assertGreaterEqual(ok, 6, out)  # 6 workers, each finished its request
        self.assertIn("Interrupted.", out)
        self.assert_gone(kids)

    def test_second_sigint_stops_every_process_at_once(self):
        with harness.MolotovServe() as srv:
            proc, kids = self.start(srv.url, delay_ms=30000)
            proc.send_signal(signal.SIGINT)
            t0 = time.monotonic()
            time.sleep(0.2)  # two distinct presses
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=20)
            elapsed = time.monotonic() - t0
        self.assertEqual(proc.returncode, 130, out + err)
        self.assertLess(elapsed, 4.0)  # not the 5 s grace period
        self.assertEqual(harness.assert_summary_counts(out), (0, 0))
        self.assert_gone(kids)

    def test_killed_child_is_reported_and_the_others_stop(self):
        with harness.MolotovServe() as srv:
            proc, kids = self.start(srv.url, processes=3)
            os.kill(kids[1], signal.SIGKILL)
            out, err = proc.communicate(timeout=20)
        self.assertNotEqual(proc.returncode, 0, out + err)
        self.assertIn(f"worker process {kids[1]} was killed by signal 9", err)
        harness.assert_summary_counts(out)
        self.assert_gone(kids)

    def test_children_end_when_main_dies(self):
        with harness.MolotovServe() as srv:
            proc, kids = self.start(srv.url)
            proc.kill()
            proc.wait()
            self.assert_gone(kids)


if __name__ == "__main__":
    harness.main()
