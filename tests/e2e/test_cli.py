"""The command line's contract (docs/cli.md): usage and script errors give one
clear line and exit 2 before any load is sent; --help and --version; exit
codes 0 and 1 of a finished run."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

GOOD = """
local T = os.getenv("TARGET")
molotov.scenario("home", 1, function(s)
  assert(s:get(T .. "/").status == 200)
end)
"""


class UsageErrors(unittest.TestCase):
    """Each bad invocation: rc 2, one line on stderr naming the problem,
    nothing on the server's access log."""

    @classmethod
    def setUpClass(cls):
        cls.web = harness.Nginx()
        cls.web.start()

    @classmethod
    def tearDownClass(cls):
        cls.web.stop()

    def assert_usage_error(self, args, scenario, expect_in_msg):
        res = harness.run_molotov(args, scenario_text=scenario, env={"TARGET": self.web.url},
                                  timeout=20)
        self.assertEqual(res.rc, 2, res)
        lines = [l for l in res.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, res)
        self.assertIn(expect_in_msg, lines[0], res)
        self.assertNotIn("stack traceback", res.stderr)
        self.assertEqual(self.web.count(), 0, "load was sent despite the error")
        return lines[0]

    def test_bad_option_value_names_the_option(self):
        self.assert_usage_error(["-w", "abc"], GOOD, "-w")
        self.assert_usage_error(["--duration", "-3"], GOOD, "--duration")
        self.assert_usage_error(["--timeout", "0"], GOOD, "--timeout")

    def test_unknown_option(self):
        self.assert_usage_error(["--frobnicate"], GOOD, "--frobnicate")
        self.assert_usage_error(["-Z"], GOOD, "-Z")

    def test_missing_value(self):
        res = harness.run_molotov(["-w"], timeout=20)
        self.assertEqual(res.rc, 2, res)
        self.assertIn("-w", res.stderr)

    def test_contradictory_options(self):
        self.assert_usage_error(["-q", "-v"], GOOD, "contradict")
        self.assert_usage_error(["--single-run", "-s", "home"], GOOD, "contradict")

    def test_missing_scenario_file(self):
        res = harness.run_molotov(["/nonexistent/dir/loadtest.lua"], timeout=20)
        self.assertEqual(res.rc, 2, res)
        self.assertIn("/nonexistent/dir/loadtest.lua", res.stderr)
        self.assertEqual(len(res.stderr.strip().splitlines()), 1, res)

    def test_default_scenario_is_loadtest_lua(self):
        res = harness.run_molotov([], timeout=20)  # private empty cwd
        self.assertEqual(res.rc, 2, res)
        self.assertIn("loadtest.lua", res.stderr)

    def test_syntax_error_names_file_and_line(self):
        msg = self.assert_usage_error([], "local x = 1\n\nmolotov.scenario('a', 1, function(s)\n"
                                          "  x = = 2\nend)\n", "scenario.lua:4:")
        self.assertIn("unexpected symbol", msg)

    def test_runtime_error_at_load_names_file_and_line(self):
        self.assert_usage_error([], "local x = nil\nlocal y = x.field\n", "scenario.lua:2:")

    def test_no_scenario(self):
        self.assert_usage_error([], "local x = 1\n", "no scenario")

    def test_duplicate_scenario_name(self):
        msg = self.assert_usage_error(
            [], GOOD + "\nmolotov.scenario('home', 2, function(s) end)\n", "registered twice")
        self.assertIn("scenario.lua:7:", msg)

    def test_bad_registrations(self):
        self.assert_usage_error([], "molotov.scenario('a', -1, function() end)\n", "negative weight")
        self.assert_usage_error([], "molotov.scenario('a', 1, 'nope')\n", "scenario.lua:1:")
        self.assert_usage_error([], "molotov.setup(function() end)\nmolotov.setup(function() end)\n"
                                    "molotov.scenario('a', 1, function() end)\n",
                                "setup is already registered")

    def test_weight_zero_is_not_registered(self):
        self.assert_usage_error([], "molotov.scenario('a', 0, function() end)\n", "no scenario")

    def test_unknown_single_mode_scenario(self):
        self.assert_usage_error(["-s", "nope"], GOOD, "nope")

    def test_global_setup_error(self):
        msg = self.assert_usage_error(
            [], "molotov.global_setup(function(args)\n  error('no token')\nend)\n" + GOOD,
            "global_setup failed")
        self.assertIn("scenario.lua:2: no token", msg)

    def test_global_setup_error_traceback_with_v(self):
        res = harness.run_molotov(["-v"], scenario_text="molotov.global_setup(function()\n"
                                  "  error('boom')\nend)\n" + GOOD, env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 2, res)
        self.assertIn("stack traceback", res.stderr)

    def test_bytecode_is_refused(self):
        luac = "/usr/bin/luac5.4"
        if not os.path.exists(luac):
            self.skipTest("luac5.4 not installed")
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "s.lua")
            out = os.path.join(tmp, "s.luac")
            with open(src, "w") as f:
                f.write(GOOD)
            subprocess.run([luac, "-o", out, src], check=True)
            res = harness.run_molotov([out], timeout=20)
        self.assertEqual(res.rc, 2, res)
        self.assertIn("binary", res.stderr)


class HelpAndVersion(unittest.TestCase):
    def test_help(self):
        res = harness.run_molotov(["--help"], timeout=20)
        self.assertEqual(res.rc, 0, res)
        for opt in ["--workers", "--duration", "--max-runs", "--single-run", "--single-mode",
                    "--ramp-up", "--delay", "--exception", "--fail", "--timeout",
                    "--connect-timeout", "--http2", "--insecure", "--console-update", "--quiet",
                    "--verbose", "--version"]:
            self.assertIn(opt, res.stdout)
        self.assertEqual(harness.run_molotov(["-h"], timeout=20).stdout, res.stdout)

    def test_version(self):
        res = harness.run_molotov(["--version"], timeout=20)
        self.assertEqual(res.rc, 0, res)
        self.assertRegex(res.stdout.strip(), r"^molotov \d+\.\d+\.\d+$")


class ExitCodes(unittest.TestCase):
    def test_clean_run_exits_0(self):
        with harness.Nginx() as web:
            res = harness.run_molotov(["-w", "2", "-r", "5"], scenario_text=GOOD,
                                      env={"TARGET": web.url})
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(harness.assert_summary_counts(res.stdout), (10, 0))
            self.assertEqual(web.wait_for_count(10), 10)

    def test_failure_under_single_run_exits_1(self):
        with harness.Nginx() as web:
            res = harness.run_molotov(
                ["--single-run"], env={"TARGET": web.url},
                scenario_text=GOOD + "molotov.scenario('bad', 1, function(s)\n"
                                     "  assert(s:get(os.getenv('TARGET') .. '/status/500').status == 200, 'want 200')\nend)\n")
            self.assertEqual(res.rc, 1, res)
            self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 1))
            self.assertIn("scenario.lua:7: want 200", res.stdout)

    def test_failures_without_criterion_exit_0(self):
        with harness.Nginx() as web:
            res = harness.run_molotov(
                ["-r", "3"], env={"TARGET": web.url},
                scenario_text="local n = 0\nmolotov.scenario('bad', 1, function(s)\n"
                              "  n = n + 1; if n > 1 then error('nope') end\nend)\n")
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 2))
            self.assertRegex(res.stdout, r"\n\s+2  \S*scenario.lua:3: nope\n")


if __name__ == "__main__":
    harness.main()
