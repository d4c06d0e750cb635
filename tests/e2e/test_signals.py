"""Ctrl-C and SIGTERM (docs/cli.md "Exit codes", 130): the first signal lets in-flight
scenarios finish and prints the summary; a second one stops at once."""
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SLOW = """
local T = os.getenv("TARGET")
molotov.scenario("slow", 1, function(s)
  assert(s:get(T .. "/delay/" .. os.getenv("DELAY_MS")).status == 200)
end)
"""


class Signals(unittest.TestCase):
    def start(self, target, delay_ms, extra=()):
        path = os.path.join(self.tmp, "scenario.lua")
        with open(path, "w") as f:
            f.write(SLOW)
        env = dict(os.environ, TARGET=target, DELAY_MS=str(delay_ms))
        proc = subprocess.Popen([harness.molotov_bin(), "-w", "3", "-d", "60", *extra, path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def setUp(self):
        import tempfile
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def wait_started(self, proc):
        # the header and "OK" mean the workers are running
        line = ""
        while "OK" != line.strip():
            line = proc.stdout.readline()
            self.assertNotEqual(line, "", "molotov exited early")

    def test_first_sigint_finishes_in_flight_and_prints_summary(self):
        with harness.MolotovServe() as srv:
            proc = self.start(srv.url, 800)
            self.wait_started(proc)
            time.sleep(1.0)  # let some scenarios complete: this is load, not synchronisation
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 130, out + err)
        self.assertIn("Interrupted.", out)
        ok, failed = harness.assert_summary_counts(out)
        self.assertEqual(failed, 0, out)   # the in-flight requests finished
        self.assertGreaterEqual(ok, 3, out)

    def test_sigterm_behaves_like_sigint(self):
        with harness.Nginx() as web:
            proc = self.start(web.url + "/status/200?", 0)
            self.wait_started(proc)
            web.wait_for_count(50)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=15)
            self.assertEqual(proc.returncode, 130, out + err)
            ok, failed = harness.assert_summary_counts(out)
            self.assertEqual(web.wait_for_count(ok + failed), ok + failed)

    def test_second_sigint_stops_at_once(self):
        with harness.MolotovServe() as srv:
            proc = self.start(srv.url, 30000)
            self.wait_started(proc)
            proc.send_signal(signal.SIGINT)
            t0 = time.monotonic()
            time.sleep(0.2)  # two distinct signals, as a person pressing twice
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
            elapsed = time.monotonic() - t0
        self.assertEqual(proc.returncode, 130, out + err)
        self.assertLess(elapsed, 4.0)  # not the 5 s grace period
        self.assertEqual(harness.assert_summary_counts(out), (0, 0))

    def test_grace_period_is_bounded(self):
        with harness.MolotovServe() as srv:
            proc = self.start(srv.url, 30000)
            self.wait_started(proc)
            t0 = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=20)
            elapsed = time.monotonic() - t0
        self.assertEqual(proc.returncode, 130, out + err)
        self.assertLess(elapsed, 8.0)
        self.assertGreaterEqual(elapsed, 4.5)
        self.assertIn("SUCCESSES: 0 | FAILURES: 0", out)


if __name__ == "__main__":
    harness.main()
