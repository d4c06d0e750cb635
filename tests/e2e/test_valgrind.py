"""Leaks and memory errors (issue 8): valgrind's memcheck over two mixed runs
with two worker processes each: the httpbin tour (every fixture and session
feature: auth, cookies, bodies, events, set_var, pcall'd transport errors)
and a run of faults (garbage, hang-ups, timeouts, DNS failures, cut bodies,
failed assertions). Every process, the forked workers included, must end
with no memory error and nothing definitely or indirectly lost.

Skips (exit 77) with the AddressSanitizer build, which valgrind cannot run."""
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SKIP = 77

FAULTS = """
local T = os.getenv("TARGET")
molotov.global_setup(function(args)
  molotov.set_var("base", molotov.request(T .. "/json"):json().hello)
end)
molotov.scenario("ok", 3, function(s)
  assert(s:get(T .. "/json"):json().hello == molotov.get_var("base"))
  s:post(T .. "/items", { json = { name = "x" } })
end)
molotov.scenario("garbage", 1, function(s) s:get(T .. "/garbage") end)
molotov.scenario("hangup", 1, function(s) s:get(T .. "/hangup") end)
molotov.scenario("slow", 1, function(s) s:get(T .. "/delay/5000", { timeout = 0.2 }) end)
molotov.scenario("dns", 1, function(s) s:get("http://no-such-host.invalid/") end)
molotov.scenario("big", 1, function(s)
  assert(s:get(T .. "/bytes/3000000").truncated)
end)
molotov.scenario("assert", 1, function(s) assert(false, "expected failure") end)
"""

# Request options that raise (issue 15): each one after a header table, so
# a header list made before the checks would be lost 50 times over.
BAD_OPTIONS = """
local bad = {
  { headers = { A = "b", C = "d" }, timeout = -1 },
  { headers = { A = "b", C = "d" }, http_version = "3" },
  { headers = { A = "b", C = "d" }, auth = 5 },
  { headers = { A = "b", C = "d" }, cookies = 5 },
  { headers = { A = "b", C = "d" }, name = {} },
  { headers = { A = "b", B = "x\\r\\ny", C = "d" } },
}
molotov.scenario("bad", 1, function(s)
  for _, opts in ipairs(bad) do
    assert(not pcall(s.get, s, "http://127.0.0.1:9/x", opts))
    assert(not pcall(molotov.request, "http://127.0.0.1:9/x", opts))
  end
end)
"""


def valgrind(args, env, logdir, timeout=300):
    argv = ["valgrind", "--tool=memcheck", "--leak-check=full",
            "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=42", "--child-silent-after-fork=no",
            f"--suppressions={harness.source_dir() / 'tests' / 'valgrind.supp'}",
            f"--log-file={logdir}/vg.%p.log", harness.molotov_bin(), *args]
    return subprocess.run(argv, env=dict(os.environ, **env), capture_output=True, text=True,
                          timeout=timeout)


class Memcheck(unittest.TestCase):
    def check_logs(self, logdir, processes):
        logs = glob.glob(os.path.join(logdir, "vg.*.log"))
        self.assertGreaterEqual(len(logs), processes, logs)
        for path in logs:
            with open(path) as f:
                text = f.read()
            m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
            self.assertTrue(m, path + "\n" + text[-3000:])
            self.assertEqual(m.group(1), "0", path + "\n" + text[-6000:])

    def test_httpbin_tour_with_two_processes(self):
        logdir = tempfile.mkdtemp(prefix="molotov-vg-tour-")
        scen = str(harness.source_dir() / "scenarios" / "httpbin.lua")
        with harness.Httpbin() as hb:
            p = valgrind(["-p", "2", "-w", "2", "-d", "4", scen], {"TARGET": hb.url}, logdir)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        s, _ = harness.assert_summary_counts(p.stdout)
        self.assertGreater(s, 0, p.stdout)
        self.check_logs(logdir, 3)  # the main process and two workers

    def test_faults_with_two_processes(self):
        logdir = tempfile.mkdtemp(prefix="molotov-vg-faults-")
        with tempfile.TemporaryDirectory() as d:
            scen = os.path.join(d, "faults.lua")
            with open(scen, "w") as f:
                f.write(FAULTS)
            with harness.MolotovServe() as srv:
                p = valgrind(["-p", "2", "-w", "3", "-d", "4", "--max-body", "64k", scen],
                             {"TARGET": srv.url}, logdir)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        s, f = harness.assert_summary_counts(p.stdout)
        self.assertGreater(s, 0, p.stdout)
        self.assertGreater(f, 0, p.stdout)
        for kind in ("malformed response", "timeout", "dns failure", "expected failure"):
            self.assertIn(kind, p.stdout)
        self.check_logs(logdir, 3)

    def test_request_option_errors_leak_nothing(self):
        logdir = tempfile.mkdtemp(prefix="molotov-vg-options-")
        with tempfile.TemporaryDirectory() as d:
            scen = os.path.join(d, "bad.lua")
            with open(scen, "w") as f:
                f.write(BAD_OPTIONS)
            p = valgrind(["-w", "1", "-r", "50", scen], {}, logdir)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        s, f = harness.assert_summary_counts(p.stdout)
        self.assertEqual((s, f), (50, 0), p.stdout)
        self.check_logs(logdir, 1)


if __name__ == "__main__":
    if harness.sanitized_build():
        print("SKIP: valgrind cannot run the AddressSanitizer build", flush=True)
        sys.exit(SKIP)
    harness.main()
