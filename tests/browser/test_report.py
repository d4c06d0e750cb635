"""The HTML report in a real browser (issue 16): a report made by a real
run against molotov serve (-p 2, --ramp-up, a route failing part of the
time), loaded in headless Chromium by read_report.js (playwright-core):
no console or page error, nothing fetched, no part that cannot be drawn;
the charts' data points read back from the SVG equal the JSON report's
(requests, failed requests and workers per second, failed requests by
class, a label's p95 per second after picking it); p95 in every latency
table; a second molotovRender redraws in place; the print stylesheet hides
the buttons. The screenshot is kept as build/artifacts/report.png."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402

SCRIPT = """
local T = os.getenv("TARGET")
molotov.scenario("browse", 3, function(s)
  s:get(T .. "/json")
  s:get(T .. "/delay/15")
end)
molotov.scenario("flaky", 1, function(s)
  local r = math.random()
  if r < 0.5 then s:get(T .. "/status/503") elseif r < 0.7 then s:get(T .. "/status/404")
  else s:get(T .. "/json") end
end)
"""


def artifacts_dir():
    d = os.path.join(os.path.dirname(os.path.abspath(harness.molotov_bin())), "artifacts")
    os.makedirs(d, exist_ok=True)
    return d


def per_second(rep, key):
    """The report's timeline as one value a second (None when absent)."""
    n = max(int(p["t"]) for p in rep["timeline"]) + 1
    out = [None] * n
    for p in rep["timeline"]:
        out[int(p["t"])] = p.get(key)
    return out


class BrowserReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="molotov-browser-")
        html, js = os.path.join(cls.tmp, "r.html"), os.path.join(cls.tmp, "r.json")
        with harness.MolotovServe() as srv:
            res = harness.run_molotov(["-p", "2", "-w", "4", "-d", "3", "--ramp-up", "2",
                                       "--json", js, "--html", html],
                                      scenario_text=SCRIPT, env={"TARGET": srv.url})
        assert res.rc == 0, res
        cls.rep = json.load(open(js))
        cls.png = os.path.join(artifacts_dir(), "report.png")
        node = subprocess.run(["node", os.path.join(HERE, "read_report.js"), html, cls.png,
                               "GET /delay/15"], capture_output=True, text=True, timeout=120)
        if node.returncode == 77:
            raise unittest.SkipTest(node.stderr.strip())
        assert node.returncode == 0, node.stderr
        cls.page = json.loads(node.stdout)

    def test_no_error_nothing_fetched_every_part_drawn(self):
        self.assertEqual(self.page["errors"], [])
        self.assertEqual(self.page["oops"], [])
        self.assertGreater(os.path.getsize(self.png), 20000)

    def test_requests_and_failures_per_second_are_the_timeline(self):
        c = self.page["charts"]["requests"]
        req, bad = per_second(self.rep, "requests"), per_second(self.rep, "failed_requests")
        self.assertEqual(len(c["ok"]), len(req))
        self.assertEqual([o + f for o, f in zip(c["ok"], c["failed"])], [v or 0 for v in req])
        self.assertEqual(c["failed"], [v or 0 for v in bad])
        self.assertGreater(sum(c["failed"]), 0)
        # failed requests by class: 5xx and 4xx stacked, adding up to the failed ones
        f = self.page["charts"]["failures"]
        self.assertEqual(f["5xx"], [v or 0 for v in per_second(self.rep, "failed_5xx")])
        self.assertEqual(f["4xx"], [v or 0 for v in per_second(self.rep, "failed_4xx")])
        self.assertEqual([a + b for a, b in zip(f["4xx"], f["5xx"])], c["failed"])

    def test_workers_per_second_ramp_up_to_all_of_them(self):
        w = self.page["charts"]["requests"]["workers"]
        self.assertEqual(w, per_second(self.rep, "workers"))
        seen = [v for v in w if v is not None]
        self.assertGreaterEqual(len(seen), 2)
        self.assertEqual(max(seen), 8)  # 2 processes x 4 workers, summed
        self.assertLess(seen[0], 8)     # still ramping up at the first sample

    def test_latency_has_gaps_not_zeros(self):
        lat = self.page["charts"]["latency"]
        for name in ("p50", "p95", "p99"):
            want = [p if r else None for p, r in zip(per_second(self.rep, name + "_ms"),
                                                     per_second(self.rep, "requests"))]
            self.assertEqual(lat[name], want, name)
            self.assertNotIn(0, lat[name])

    def test_a_picked_label_shows_its_own_p95(self):
        self.assertEqual(self.page["picked"], {"kind": "label", "name": "GET /delay/15"})
        got = self.page["pickCharts"]["pick-latency"]["p95"]
        tl = self.rep["requests"]["GET /delay/15"]["timeline"]
        want = [None] * len(got)
        for t, v in zip(tl["t"], tl["p95_ms"]):
            want[int(t)] = v
        self.assertEqual(got, want)
        self.assertTrue(all(14 <= v < 100 for v in got if v is not None), got)

    def test_p95_in_every_latency_table_and_bytes_per_label(self):
        cols = {h["title"]: h["columns"] for h in self.page["headers"]}
        for title in ("Scenarios", "Requests"):
            self.assertIn("p95", cols[title], title)
        self.assertIn("Sent", cols["Requests"])
        self.assertIn("Received", cols["Requests"])
        self.assertIn("Wait (TTFB)", cols["Where the time went"])

    def test_render_again_redraws_in_place_and_prints_without_buttons(self):
        self.assertEqual(self.page["svgsAgain"], self.page["svgs"])
        self.assertEqual(set(self.page["print"]), {"none"})


if __name__ == "__main__":
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        print("skipped: playwright-core is not installed (scripts/install-deps.sh)", file=sys.stderr)
        sys.exit(77)
    unittest.main()
