"""The examples shipped in scenarios/ run cleanly against the targets they
are written for (molotov serve, httpbin), as the README promises."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SCENARIOS = harness.source_dir() / "scenarios"


class Examples(unittest.TestCase):
    def test_demo_against_molotov_serve(self):
        with harness.MolotovServe() as srv:
            res = harness.run_molotov(["-w", "5", "-d", "2", str(SCENARIOS / "demo.lua")],
                                      env={"TARGET": srv.url})
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0, res)
        self.assertGreater(ok, 20, res)

    def test_smoke_single_run(self):
        with harness.MolotovServe() as srv:
            res = harness.run_molotov(["--single-run", str(SCENARIOS / "smoke.lua")],
                                      env={"TARGET": srv.url})
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0, res)
        self.assertGreater(ok, 0, res)

    def test_smoke_without_target_exits_2(self):
        port = harness.free_port()
        res = harness.run_molotov(["--single-run", str(SCENARIOS / "smoke.lua")],
                                  env={"TARGET": f"http://127.0.0.1:{port}"})
        self.assertEqual(res.rc, 2, res)
        self.assertIn("not answering", res.stderr)

    def test_httpbin_tour(self):
        with harness.Httpbin() as hb:
            res = harness.run_molotov(["-w", "3", "-d", "3", str(SCENARIOS / "httpbin.lua")],
                                      env={"TARGET": hb.url})
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0, res)
        self.assertGreater(ok, 3, res)


if __name__ == "__main__":
    harness.main()
