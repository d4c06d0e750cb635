"""--dashboard in a real browser: headless Chromium (Debian's chromium) driven by
Playwright (tests/browser/dashboard_check.js; playwright-core from npm, installed
into tests/browser/node_modules by scripts/install-deps.sh) opens the page while
a run against nginx goes on, finds no console error, sees the page's numbers
change from one event to the next, then the finished state with the links to the
final reports, whose figures are /report.json's. Screenshots are kept in
$MOLOTOV_ARTIFACTS (build/artifacts/dashboard.png, dashboard-live.png)."""
import json
import os
import signal
import subprocess
import sys
import unittest
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))
import harness  # noqa: E402
from test_dashboard import LiveRun, URL_RE  # noqa: E402

import tempfile  # noqa: E402


def artifacts_dir() -> Path:
    d = os.environ.get("MOLOTOV_ARTIFACTS")
    d = Path(d) if d else Path(harness.molotov_bin()).resolve().parent / "artifacts"
    d.mkdir(parents=True, exist_ok=True)
    return d


class DashboardInABrowser(unittest.TestCase):
    def test_the_page_follows_the_run(self):
        if not (HERE / "node_modules" / "playwright-core").is_dir():
            self.fail("playwright-core is not installed: run scripts/install-deps.sh")
        out_dir = artifacts_dir()
        with tempfile.TemporaryDirectory(prefix="molotov-browser-") as tmp, harness.Nginx() as web:
            run = LiveRun(tmp, web.url, ["-w", "2", "-d", "6", "--dashboard", "127.0.0.1:0",
                                         "--dashboard-keep", "60"])
            self.addCleanup(run.kill)
            url = run.wait_line(URL_RE.pattern).group(1)
            check = subprocess.run(["node", str(HERE / "dashboard_check.js"), url, str(out_dir)],
                                   capture_output=True, text=True, timeout=120,
                                   env=dict(os.environ, NODE_PATH=str(HERE / "node_modules")))
            self.assertEqual(check.returncode, 0, check.stderr)
            got = json.loads(check.stdout)
            with urllib.request.urlopen(url + "report.json", timeout=10) as r:
                report = json.load(r)
            run.proc.send_signal(signal.SIGINT)  # ends --dashboard-keep
            rc, out, err = run.finish()
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(got["errors"], [])
        first, second = got["live"]
        self.assertEqual((first["state"], second["state"]), ("live", "live"))
        self.assertGreater(second["requests"], first["requests"])
        self.assertNotEqual(first["text"], second["text"], "the page was redrawn with new figures")
        self.assertGreater(second["svgs"], 0, "the report's charts are drawn")
        self.assertIn("Live", second["bar"])
        self.assertIn("Load test, live", second["text"])  # not "report", not "Ended"
        self.assertNotIn("embedded in this file", second["text"])
        final = got["final"]
        self.assertEqual(final["state"], "finished")
        self.assertIn("Load test, finished", final["text"])
        self.assertTrue(final["links"], "links to the final reports")
        self.assertEqual(final["requests"], report["totals"]["requests"])
        self.assertIn(f"{report['totals']['requests']:,} requests", final["bar"])
        self.assertGreater(final["svgs"], 0)
        for name in ("dashboard.png", "dashboard-live.png"):
            self.assertGreater((out_dir / name).stat().st_size, 10000, name)


if __name__ == "__main__":
    harness.main()
