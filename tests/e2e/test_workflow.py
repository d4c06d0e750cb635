"""Molotov's workflow (issue 7), end to end: `--config molotov.json TEST`
counted in nginx's access log with the command line winning, bad config files
refused before any load, `molotov quickstart` (with and without a terminal)
producing a test that runs, `molotov merge` of runs made at the same time
checked against the access log, and `--start-at` lining two runs up."""
import calendar
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

COUNT = harness.GET_ROOT


def read(path):
    with open(path) as f:
        return f.read()


def load(path):
    return json.loads(read(path))


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class Config(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="molotov-config-")
        write(os.path.join(self.tmp, "count.lua"), COUNT)
        self.cfg = os.path.join(self.tmp, "molotov.json")

    def config(self, tests, env=None):
        write(self.cfg, json.dumps({"molotov": {"env": env or {}, "tests": tests}}))

    def test_a_test_runs_and_the_file_wins_as_in_molotov(self):
        with harness.Nginx() as ng:
            # TARGET comes from the file's env; the scenario path from beside it
            self.config({"five": {"scenario": "count.lua", "workers": 2, "max_runs": 5,
                                  "json": "five.json"},
                         "other": {"scenario": "missing.lua"}}, env={"TARGET": ng.url})
            res = harness.run_molotov(["--config", self.cfg, "five"], env={"TARGET": None},
                                      cwd=self.tmp)
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(harness.assert_summary_counts(res.stdout), (10, 0))
            self.assertEqual(ng.wait_for_count(10, path="/"), 10)
            self.assertTrue(os.path.exists(os.path.join(self.tmp, "five.json")))
            # Molotov sets the test's keys over the parsed command line: the file
            # wins where both say something (-r, -w), the command line elsewhere (-q)
            res = harness.run_molotov(["--config", self.cfg, "-r", "3", "five", "-w", "1",
                                       "--delay", "0.01"], env={"TARGET": None}, cwd=self.tmp)
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(harness.assert_summary_counts(res.stdout), (10, 0))
            self.assertEqual(ng.wait_for_count(20, path="/"), 20)

    def test_bad_files_exit_2_before_any_load(self):
        with harness.Nginx() as ng:
            cases = [
                ({"t": {"scenario": "count.lua", "wrokers": 2}}, None,
                 "tests.t: unknown key 'wrokers'"),
                ({"t": {"scenario": "count.lua", "workers": "two"}}, None,
                 "tests.t.workers"),
                ({"t": {"scenario": "count.lua"}}, "nope", "no test named 'nope' (tests: t)"),
                ({"a": {"scenario": "count.lua"}, "b": {}}, None, "name the test"),
            ]
            for tests, test, needle in cases:
                self.config(tests, env={"TARGET": ng.url})
                args = ["--config", self.cfg] + ([test] if test else [])
                res = harness.run_molotov(args, cwd=self.tmp)
                self.assertEqual(res.rc, 2, res)
                self.assertIn(needle, res.stderr)
                self.assertIn("molotov.json", res.stderr)
            write(self.cfg, '{"molotov": {"tests": {"t": {,}}}}')
            res = harness.run_molotov(["--config", self.cfg], cwd=self.tmp)
            self.assertEqual(res.rc, 2, res)
            self.assertIn("molotov.json:1: not valid JSON", res.stderr)
            self.assertEqual(ng.count(), 0)


class Quickstart(unittest.TestCase):
    FILES = ("loadtest.lua", "molotov.json", "Makefile")

    def test_writes_a_test_that_runs_and_never_overwrites(self):
        tmp = tempfile.mkdtemp(prefix="molotov-quickstart-")
        d = os.path.join(tmp, "lt")
        res = harness.run_molotov(["quickstart", d])
        self.assertEqual(res.rc, 0, res)
        for name in self.FILES:
            self.assertTrue(os.path.exists(os.path.join(d, name)), name)
        lua = read(os.path.join(d, "loadtest.lua"))
        for fixture in ("global_setup", "setup", "setup_session", "teardown_session",
                        "teardown", "global_teardown"):
            self.assertIn(f"molotov.{fixture}(", lua)
        cfg = load(os.path.join(d, "molotov.json"))
        self.assertEqual(sorted(cfg["molotov"]["tests"]), ["big", "small", "smoke"])
        with harness.MolotovServe() as srv:
            # make smoke, as the quickstart says (TARGET from the environment wins)
            out = subprocess.run(["make", "-s", "smoke", f"MOLOTOV={harness.molotov_bin()}"],
                                 cwd=d, env=dict(os.environ, TARGET=srv.url),
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertEqual(harness.assert_summary_counts(out.stdout), (3, 0))
            for scenario in ("homepage", "read_json", "create_item"):
                self.assertIn(scenario, out.stdout)
        before = read(os.path.join(d, "loadtest.lua"))
        write(os.path.join(d, "loadtest.lua"), "-- mine\n")
        res = harness.run_molotov(["quickstart", d])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("exists; not overwriting it", res.stderr)
        self.assertEqual(read(os.path.join(d, "loadtest.lua")), "-- mine\n")
        self.assertNotEqual(before, "-- mine\n")

    def test_asks_on_a_terminal(self):
        tmp = tempfile.mkdtemp(prefix="molotov-quickstart-tty-")
        pid, fd = pty.fork()
        if pid == 0:  # the child: never back into unittest
            try:
                os.chdir(tmp)
                os.execv(harness.molotov_bin(), [harness.molotov_bin(), "quickstart"])
            finally:
                os._exit(127)
        out = b""
        answers = [b"asked\n", b"http://127.0.0.1:9999\n"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 1)
            if not r:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if out.rstrip().endswith(b"]:") and answers:
                os.write(fd, answers.pop(0))
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, out)
        self.assertIn(b"Directory for the load test [.]:", out)
        self.assertIn(b"Target (the service to test) [http://127.0.0.1:8080]:", out)
        cfg = load(os.path.join(tmp, "asked", "molotov.json"))
        self.assertEqual(cfg["molotov"]["env"]["TARGET"], "http://127.0.0.1:9999")


class Merge(unittest.TestCase):
    def test_runs_at_the_same_time_merge_to_the_access_log(self):
        tmp = tempfile.mkdtemp(prefix="molotov-merge-")
        paths = [os.path.join(tmp, f"r{i}.json") for i in range(3)]
        scen = os.path.join(tmp, "count.lua")
        write(scen, COUNT)
        with harness.Nginx() as ng:
            at = time.time() + 1.5
            procs = [subprocess.Popen([harness.molotov_bin(), "-q", "-w", str(i + 1), "-d", "2",
                                       "--start-at", f"{at:.3f}", "--json", p, scen],
                                      env=dict(os.environ, TARGET=ng.url))
                     for i, p in enumerate(paths)]
            for p in procs:
                self.assertEqual(p.wait(timeout=60), 0)
            reports = [load(p) for p in paths]
            # nginx logs a request after answering it: wait for the lines
            served = ng.wait_for_count(sum(r["totals"]["requests"] for r in reports), path="/")
        out = os.path.join(tmp, "merged.json")
        html = os.path.join(tmp, "merged.html")
        res = harness.run_molotov(["merge", *paths, "--json", out, "--html", html,
                                   "--threshold", "failure_rate<1%"])
        self.assertEqual(res.rc, 0, res)
        m = load(out)
        self.assertEqual(m["totals"]["requests"], served)
        self.assertEqual(m["totals"]["successes"], sum(r["totals"]["successes"] for r in reports))
        self.assertEqual(m["processes"], 3)
        self.assertEqual(m["workers"], 6)  # 1 + 2 + 3 workers: they add
        self.assertEqual(harness.assert_summary_counts(res.stdout), (served, 0))
        # --start-at: the three runs began within 250 ms of the asked time (a
        # broken --start-at starts 1.5 s early; a loaded machine wakes late)
        for r in reports:
            start = calendar.timegm(time.strptime(r["started_at"][:19], "%Y-%m-%dT%H:%M:%S"))
            start += float(r["started_at"][19:-1] or 0)
            self.assertLess(abs(start - at), 0.25, r["started_at"])
            self.assertGreaterEqual(start, at - 0.001, r["started_at"])  # never early
        # the timeline is keyed on wall-clock seconds: each second sums the three
        by_unix = {}
        for r in reports:
            for t in r["timeline"]:
                by_unix[t["unix"]] = by_unix.get(t["unix"], 0) + t["requests"]
        self.assertEqual({t["unix"]: t["requests"] for t in m["timeline"]}, by_unix)
        self.assertIn("<svg", read(html))
        # a threshold judged on the merge can fail it
        res = harness.run_molotov(["merge", *paths, "--threshold", "p50<1us"])
        self.assertEqual(res.rc, 99, res)
        self.assertIn("FAIL  p50<1us", res.stdout)

    def test_bad_input_exits_2(self):
        tmp = tempfile.mkdtemp(prefix="molotov-merge-bad-")
        bad = os.path.join(tmp, "bad.json")
        write(bad, '{"totals": {}}')
        res = harness.run_molotov(["merge", bad])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("bad.json: not a molotov JSON report", res.stderr)
        res = harness.run_molotov(["merge"])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("name at least one JSON report", res.stderr)
        res = harness.run_molotov(["merge", os.path.join(tmp, "none.json")])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("none.json: cannot read", res.stderr)


FIXTURES = COUNT + """
molotov.global_setup(function(args) print("GLOBAL SETUP RAN") end)
molotov.global_teardown(function() print("GLOBAL TEARDOWN RAN") end)
"""


class StartAt(unittest.TestCase):
    def test_ctrl_c_while_waiting_exits_130_without_load(self):
        with harness.Nginx() as ng:
            with tempfile.TemporaryDirectory() as tmp:
                scen = os.path.join(tmp, "count.lua")
                report = os.path.join(tmp, "r.json")
                write(scen, FIXTURES)
                p = subprocess.Popen([harness.molotov_bin(), "-p", "2", "-w", "2", "-d", "1",
                                      "--start-at", str(int(time.time()) + 60),
                                      "--json", report, scen],
                                     env=dict(os.environ, TARGET=ng.url), text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                line = ""
                while "Waiting" not in line:
                    line = p.stdout.readline()
                    self.assertTrue(line, "molotov ended before waiting")
                p.send_signal(2)
                out, err = p.communicate(timeout=20)
                self.assertEqual(p.returncode, 130, err)
                self.assertIn("interrupted before --start-at", err)
                self.assertNotIn("handles left open", err)
                # global_setup ran, so global_teardown does; the summary and the
                # report are still there
                self.assertIn("GLOBAL TEARDOWN RAN", out)
                self.assertIn("Interrupted.", out)
                self.assertEqual(harness.assert_summary_counts(out), (0, 0))
                self.assertEqual(load(report)["totals"]["requests"], 0)
            self.assertEqual(ng.count(), 0)


if __name__ == "__main__":
    harness.main()
