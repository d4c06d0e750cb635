"""Limits (issue 8), end to end: the descriptor limit is raised to the hard
limit at start (1000 workers under a soft limit of 256), -w beyond the hard
limit is a clear error before any load, and a scenario that loops forever
without yielding is reported as a failure instead of freezing the run."""
import os
import resource
import subprocess
import tempfile
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

GET = harness.GET_ROOT

SPIN = """
local T = os.getenv("TARGET")
molotov.scenario("good", 1, function(s)
  assert(s:get(T .. "/").status == 200)
end)
molotov.scenario("spin", 1, function(s)
  local n = 0
  while true do n = n + 1 end
end)
"""


def run_limited(args, scenario, target, soft, hard):
    """molotov with RLIMIT_NOFILE (soft, hard); (rc, stdout, stderr)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with open(os.path.join(tempfile.mkdtemp(), "s.lua"), "w") as f:
        f.write(scenario)
    p = subprocess.run([harness.molotov_bin(), *args, f.name], preexec_fn=limit,
                       env=dict(os.environ, TARGET=target), capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


class Limits(unittest.TestCase):
    def test_the_soft_descriptor_limit_is_raised(self):
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if hard != resource.RLIM_INFINITY and hard < 1200:
            self.skipTest(f"the hard descriptor limit here is {hard}")
        with harness.Nginx() as ng:
            rc, out, err = run_limited(["-w", "1000", "-r", "1", "-q"], GET, ng.url, 256,
                                       min(hard, 4096) if hard != resource.RLIM_INFINITY
                                       else 4096)
            self.assertEqual(rc, 0, out + err)
            self.assertEqual(ng.wait_for_count(1000, path="/"), 1000)

    def test_workers_beyond_the_hard_limit_are_refused_before_any_load(self):
        with harness.Nginx() as ng:
            rc, out, err = run_limited(["-w", "1000", "-d", "1"], GET, ng.url, 256, 256)
            self.assertEqual(rc, 2, out + err)
            self.assertIn("-w 1000: each worker needs a connection", err)
            self.assertIn("may open 256 files (ulimit -n)", err)
            self.assertIn("at most -w 192", err)
            self.assertEqual(ng.count(), 0)

    def test_a_scenario_that_never_yields_is_reported(self):
        with harness.Nginx() as ng:
            res = harness.run_molotov(["-w", "2", "--single-run"], scenario_text=SPIN,
                                      env={"TARGET": ng.url}, timeout=60)
            served = ng.count(path="/")
        self.assertEqual(res.rc, 1, res)  # a failure under --single-run
        self.assertEqual(harness.assert_summary_counts(res.stdout), (2, 2))
        self.assertIn("ran for 5 s without yielding (an endless loop?)", res.stdout)
        self.assertEqual(served, 2)
        self.assertLess(res.duration, 30, res)  # 5 s per spinning worker, one after the other


if __name__ == "__main__":
    harness.main()
