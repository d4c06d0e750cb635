"""Numbers a team can stake a release on (issue 12), end to end against
nginx (counting what it saw), httpbin and `molotov serve`: failed requests
have a latency, one definition of a failed request, exit codes a CI can
trust, runaway script bugs stop, labels that do not lie, reports that say
what ran and how it ended, and a merge that refuses what cannot be merged."""
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# 60% of the runs go to a route that answers after 400 ms, with a 300 ms
# timeout; the rest to nginx's own fast page
TIMEOUTS = """
local T = os.getenv("TARGET")
local n = 0
molotov.scenario("mix", 1, function(s)
  n = n + 1
  if n % 5 < 3 then
    s:get(T .. "/slow", { timeout = 0.3 })
  else
    assert(s:get(T .. "/").status == 200)
  end
end)
"""


def slow_nginx(backend_url):
    # nginx in front of molotov serve: it logs every request, 499 for the
    # ones the client gave up on
    return harness.Nginx(locations=f"location = /slow {{ proxy_pass {backend_url}/delay/400; }}")


class Latency(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="molotov-numbers-")

    def test_timeouts_are_in_p99_and_fail_a_latency_threshold(self):
        out = os.path.join(self.tmp, "r.json")
        with harness.MolotovServe() as back, slow_nginx(back.url) as web:
            res = harness.run_molotov(
                ["-w", "5", "-d", "2", "--json", out, "--threshold", "p99<50ms",
                 "--threshold", "ok:p99<250ms", "--threshold", "request:GET /slow:p50>=250ms"],
                scenario_text=TIMEOUTS, env={"TARGET": web.url})
            rep = json.load(open(out))
            t = rep["totals"]
            web.wait_for_count(t["requests"])
            slow = web.count(path="/slow")
        self.assertEqual(res.rc, 99, res)  # p99<50ms failed
        self.assertEqual(t["requests"], t["latency_ms"]["count"])
        self.assertEqual(t["transport_errors"], slow)  # every /slow timed out
        self.assertEqual(rep["requests"]["GET /slow"]["errors_by_kind"], {"timeout": slow})
        lat = rep["requests"]["GET /slow"]["latency_ms"]
        self.assertEqual(lat["count"], slow)
        self.assertGreaterEqual(lat["p50"], 295)  # at (about) the timeout
        self.assertLess(lat["p99"], 400)
        self.assertGreaterEqual(t["latency_ms"]["p99"], 295)
        self.assertIsNone(rep["requests"]["GET /slow"]["latency_ok_ms"]["p99"])  # none was ok
        self.assertEqual(rep["requests"]["GET /slow"]["latency_ok_ms"]["count"], 0)
        self.assertLess(t["latency_ok_ms"]["p99"], 250)  # nginx's own page, loaded machine
        verdicts = {x["expr"]: x["passed"] for x in rep["thresholds"]}
        self.assertEqual(verdicts, {"p99<50ms": False, "ok:p99<250ms": True,
                                    "request:GET /slow:p50>=250ms": True})
        # the console says the same, with units
        self.assertRegex(res.stdout, r"FAIL  p99<50ms \(p99 3\d\d\.\dms\)")
        self.assertRegex(res.stdout, r"GET /slow\s+\d+\s+\d+\s+[\d.]+\s+3\d\d\.\dms")

    def test_an_empty_histogram_is_null_not_zero(self):
        out = os.path.join(self.tmp, "r.json")
        res = harness.run_molotov(
            ["-r", "2", "--json", out],
            scenario_text="molotov.scenario('a', 1, function(s)\n"
                          "  s:get('http://127.0.0.1:1/')\nend)\n")
        self.assertEqual(res.rc, 1, res)
        rep = json.load(open(out))
        self.assertEqual(rep["totals"]["latency_ok_ms"]["count"], 0)
        for k in ("min", "mean", "p50", "p99", "max"):
            self.assertIsNone(rep["totals"]["latency_ok_ms"][k])
            self.assertIsNotNone(rep["totals"]["latency_ms"][k])  # refused: still a latency


class FailedRequests(harness.NginxCase):
    def test_one_definition_errors_column_failure_rate_and_split(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("a", 1, function(s)
  s:get(T .. "/status/503")
  s:get(T .. "/status/404", { expect = { 200, 404 } })  -- expected: not a failure
  s:get(T .. "/status/418")
  s:get(T .. "/status/201", { expect = 200 })  -- not what it expected
  s:get(T .. "/status/444")  -- nginx closes the connection: no answer
end)
"""
        out = os.path.join(tempfile.mkdtemp(), "r.json")
        res = self.run_m(["-r", "4", "--json", out,
                          "--threshold", "request:GET /status/503:failure_rate>=100%",
                          "--threshold", "request:GET /status/404:failures<1",
                          "--threshold", "requests:failure_rate<=80%"], text)
        self.assertEqual(res.rc, 1, res)  # no run succeeded: the unanswered request raised
        rep = json.load(open(out))
        t, q = rep["totals"], rep["requests"]
        self.web.wait_for_count(20)
        served = [e for e in self.web.access_log_lines() if e["uri"] != "/status/444"]
        self.assertEqual(len(served), 16)
        # a connection closed without an answer is retried once on a fresh one
        # when it was a reused one (curl's rule): one request either way
        self.assertGreaterEqual(self.web.count(path="/status/444"), 4)
        self.assertEqual(t["requests"], 20)
        self.assertEqual((t["failed_requests"], t["transport_errors"], t["failed_4xx"],
                          t["failed_5xx"], t["failed_other"]), (16, 4, 4, 4, 4))
        self.assertEqual(q["GET /status/503"]["errors"], 4)
        self.assertEqual(q["GET /status/404"]["errors"], 0)
        self.assertEqual(q["GET /status/201"]["errors"], 4)
        self.assertEqual(q["GET /status/444"]["errors"], 4)
        self.assertEqual(q["GET /status/444"]["latency_ms"]["count"], 4)
        self.assertEqual([x["passed"] for x in rep["thresholds"]], [True, True, True])
        # the console's errors column and split agree
        self.assertRegex(res.stdout, r"GET /status/503\s+4\s+4\s")
        self.assertRegex(res.stdout, r"GET /status/404\s+4\s+0\s")
        self.assertIn("Failed requests: 16 (transport 4, 4xx 4, 5xx 4, unexpected status 4)",
                      res.stdout)

    def test_resp_ok_follows_expect(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("a", 1, function(s)
  assert(s:get(T .. "/status/404", { expect = 404 }).ok == true)
  assert(s:get(T .. "/status/404").ok == false)
  assert(s:get(T .. "/", { expect = {201} }).ok == false)
end)
"""
        res = self.run_m(["-r", "1"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0))

    def test_bad_expect_is_a_clear_error(self):
        res = self.run_m(["-r", "1"], "molotov.scenario('a', 1, function(s)\n"
                         "  s:get(os.getenv('TARGET'), { expect = 'x' })\nend)\n")
        self.assertIn("expect must be a status code or a list of them", res.stdout)


class ExitCodes(harness.NginxCase):
    def test_all_refused_exits_1_and_says_why(self):
        res = self.run_m(["-w", "2", "-d", "1"], "molotov.scenario('a', 1, function(s)\n"
                         "  s:get('http://127.0.0.1:1/')\nend)\n")
        self.assertEqual(res.rc, 1, res)
        lines = [x for x in res.stderr.splitlines() if "no scenario run succeeded" in x]
        self.assertEqual(len(lines), 1, res)
        s, f = harness.assert_summary_counts(res.stdout)
        self.assertEqual(s, 0)
        self.assertIn(f"({f} failed, 0 cancelled", lines[0])

    def test_quiet_still_says_why(self):
        res = self.run_m(["-q", "-r", "1"], "molotov.scenario('a', 1, function(s)\n"
                         "  error('boom')\nend)\n")
        self.assertEqual(res.rc, 1, res)
        self.assertEqual(res.stdout, "")
        self.assertIn("no scenario run succeeded (1 failed", res.stderr)


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Runaway(harness.NginxCase):
    def check_stops(self, body, needle, args=()):
        out = os.path.join(tempfile.mkdtemp(), "r.json")
        text = f"local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n{body}\nend)\n"
        cpu = cpu_of_children()
        res = self.run_m(["-w", "5", "-d", "60", "--json", out, *args], text)
        cpu = cpu_of_children() - cpu
        self.assertEqual(res.rc, 1, res)
        self.assertLess(res.duration, 15, res)  # not the 60 s of -d
        self.assertLess(cpu, 3.0, res)  # no core burnt meanwhile
        self.assertIn("no success:", res.stdout)
        self.assertIn(needle, res.stdout)
        rep = json.load(open(out))
        self.assertEqual(rep["stop_reason"], "no success")
        self.assertEqual(rep["exit_code"], 1)
        self.assertIn(needle, rep["outcome"])
        return rep

    def test_session_get_with_a_dot_stops_within_seconds(self):
        self.check_stops("  s.get(T .. '/')", "molotov.session expected, got string")
        self.assertEqual(self.web.access_log_lines(), [])

    def test_a_misspelled_option_stops(self):
        self.check_stops("  s:get(T .. '/', { header = {} })", "unknown request option 'header'")

    def test_an_invalid_url_stops(self):
        rep = self.check_stops("  s:get('http://exa mple.com/')", "invalid url")
        self.assertGreater(rep["totals"]["transport_errors"], 0)

    def test_in_a_process_pool_too(self):
        self.check_stops("  s.get(T .. '/')", "got string", args=["-p", "2"])

    def test_quiet_still_names_the_stop(self):
        res = self.run_m(["-q", "-w", "2", "-d", "30"],
                         "molotov.scenario('a', 1, function(s) s.get('x') end)\n")
        self.assertEqual(res.rc, 1, res)
        self.assertIn("molotov: no success:", res.stderr)

    def test_one_worker_failing_at_once_beside_working_ones_is_not_stopped(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario_picker(function(wid, step) return wid == 0 and "broken" or "journey" end)
molotov.scenario("broken", 1, function(s) error("not ready") end)
molotov.scenario("journey", 1, function(s)
  for i = 1, 7 do s:get(T .. "/"); molotov.sleep(1) end  -- a 7 s journey: no success before
end)
"""
        res = self.run_m(["-w", "3", "-d", "9"], text)
        self.assertGreaterEqual(res.duration, 8.9, res)  # ran its whole duration
        self.assertNotIn("no success:", res.stdout)
        s, f = harness.assert_summary_counts(res.stdout)
        self.assertGreaterEqual(s, 2)  # the journeys
        self.assertLess(f, 40)  # the broken worker backed off to one run a second

    def test_slow_failures_without_requests_are_not_runaway(self):
        text = "molotov.scenario('a', 1, function(s) molotov.sleep(0.3); error('late') end)\n"
        res = self.run_m(["-w", "2", "-d", "7"], text)
        self.assertEqual(res.rc, 1, res)  # no success: but measured to the end
        self.assertGreaterEqual(res.duration, 6.9, res)
        self.assertNotIn("no success:", res.stdout)
        s, f = harness.assert_summary_counts(res.stdout)
        self.assertGreater(f, 30)  # about 2 x 7 / 0.3: no back-off

    def test_pool_child_failing_at_once_beside_a_working_one_is_not_stopped(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario_picker(function(wid, step) return wid == 0 and "broken" or "ok" end)
molotov.scenario("broken", 1, function(s) error("not ready") end)
molotov.scenario("ok", 1, function(s) s:get(T .. "/"); molotov.sleep(0.5) end)
"""
        res = self.run_m(["-p", "2", "-w", "1", "-d", "8"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertGreaterEqual(res.duration, 7.9, res)
        self.assertNotIn("no success:", res.stdout)

    def test_a_failure_after_a_request_is_measured_not_stopped(self):
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  s:get(T .. '/'); error('after the request')\nend)\n")
        res = self.run_m(["-w", "2", "-d", "6"], text)
        self.assertEqual(res.rc, 1, res)  # no success: but it ran its whole duration
        self.assertGreaterEqual(res.duration, 5.9, res)
        self.assertNotIn("no success:", res.stdout)


class Labels(unittest.TestCase):
    TEXT = """
local A, B = os.getenv("A"), os.getenv("B")
molotov.global_setup(function() molotov.request(A .. "/json") end)
molotov.global_teardown(function() molotov.request(A .. "/json") end)
molotov.scenario("a", 1, function(s)
  s:get(A .. "/")
  s:get(B .. "/")
  s:get(B .. "/")
  s:get(A .. "/a-very-long-path/that/differs/only/here/1")
  s:get(A .. "/a-very-long-path/that/differs/only/here/2")
end)
"""

    def test_hosts_sorting_shortening_and_fixtures(self):
        out = os.path.join(tempfile.mkdtemp(), "r.json")
        with harness.Nginx() as a, harness.Nginx() as b:
            res = harness.run_molotov(["-r", "3", "--json", out, "--threshold",
                                       "request:GET /:p99<10s"], scenario_text=self.TEXT,
                                      env={"A": a.url, "B": b.url})
            self.assertEqual(res.rc, 0, res)
            rep = json.load(open(out))
            a.wait_for_count(11)
            self.assertEqual(a.count(path="/json"), 2)  # global_setup and _teardown
            res2 = harness.run_molotov(["-r", "3"], scenario_text=self.TEXT,
                                       env={"A": a.url, "B": b.url})
        ha, hb = a.url.split("//")[1], b.url.split("//")[1]
        keys = list(rep["requests"])
        self.assertEqual(keys[0], f"GET {hb}/")  # 6 requests first
        self.assertEqual(set(keys[1:]), {f"GET {ha}/", f"GET {ha}/a-very-long-path/that/differs"
                                         "/only/here/1", f"GET {ha}/a-very-long-path/that/"
                                         "differs/only/here/2"})
        self.assertEqual(keys[1:], sorted(keys[1:]))  # equal counts: by name
        self.assertEqual(rep["totals"]["requests"], 15)  # the fixtures' are apart
        self.assertEqual(rep["fixtures"]["requests"], 2)
        self.assertEqual(sorted(rep["hosts"]), sorted([a.url, b.url]))
        # a label without its host sums the hosts for a threshold
        self.assertEqual(rep["thresholds"][0]["passed"], True)
        self.assertIn("global_setup/global_teardown made 2 requests (0 failed)", res.stdout)
        table = res.stdout.split("Requests (latency)")[1].split("All requests")[0]
        rows = [ln.split()[1] for ln in table.splitlines() if ln.startswith("  GET ")]
        self.assertEqual(len(rows), 4)
        self.assertEqual(len(set(rows)), 4, table)  # two labels never print the same
        self.assertTrue(all(len(ln.split("  ")[1]) <= 24 for ln in table.splitlines()
                            if ln.startswith("  GET ")), table)
        # the order is the same in every run
        table2 = res2.stdout.split("Requests (latency)")[1].split("All requests")[0]
        order = [ln.split()[1] for ln in table.splitlines() if ln.startswith("  GET ")]
        order2 = [ln.split()[1] for ln in table2.splitlines() if ln.startswith("  GET ")]
        self.assertEqual(order, order2)


class RunReports(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="molotov-runinfo-")

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_a_ctrl_c_run_says_interrupted_everywhere(self):
        script = self.path("slowish.lua")
        with open(script, "w") as f:
            f.write("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                    "  assert(s:get(T .. '/delay/20').status == 200)\nend)\n")
        with harness.MolotovServe() as srv:
            proc = subprocess.Popen(
                [harness.molotov_bin(), "-w", "3", "-d", "15", "--json", self.path("r.json"),
                 "--html", self.path("r.html"), "--junit", self.path("r.xml"), script],
                env=dict(os.environ, TARGET=srv.url), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            line = ""
            while "OK" not in line:  # the load has started
                line = proc.stdout.readline()
                if not line:
                    break
            time.sleep(1.5)  # let it run a little; the point is to stop it early
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        rep = json.load(open(self.path("r.json")))
        self.assertEqual(rep["stop_reason"], "interrupted")
        self.assertEqual(rep["planned_duration_s"], 15)
        self.assertLess(rep["duration_s"], 10)
        self.assertEqual(rep["exit_code"], 130)
        self.assertEqual(rep["hosts"], [srv.url])
        self.assertEqual(rep["script"]["path"], script)
        self.assertEqual(len(rep["script"]["sha256"]), 64)
        self.assertEqual(len(rep["run_id"]), 32)
        self.assertIn("-d 15", rep["command_line"])
        self.assertRegex(rep["ended_at"], r"^\d{4}-\d\d-\d\dT")
        junit = ET.parse(self.path("r.xml")).getroot()
        sysout = junit.find("testsuite").find("system-out").text
        self.assertIn("stop reason: interrupted", sysout)
        self.assertIn("planned: 15.0 s", sysout)
        html = open(self.path("r.html")).read()
        self.assertIn('"stop_reason":"interrupted"', html.replace(" ", "").replace("\n", ""))

    def test_junit_fails_a_run_that_exits_1(self):
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('slow', 1, function(s)\n"
                "  assert(s:get(T .. '/delay/3000').status == 200)\nend)\n")
        with harness.MolotovServe() as srv:
            res = harness.run_molotov(["-w", "2", "-d", "1", "--force-shutdown", "--junit",
                                       self.path("c.xml")], scenario_text=text,
                                      env={"TARGET": srv.url})
        self.assertEqual(res.rc, 1, res)
        suites = ET.parse(self.path("c.xml")).getroot()
        self.assertEqual(suites.get("failures"), "1")
        run = [c for c in suites.iter("testcase") if c.get("classname") == "molotov.run"][0]
        self.assertIn("exit code 1", run.find("failure").get("message"))
        self.assertIn("no scenario run succeeded", run.find("failure").get("message"))

    def test_a_name_like_a_label_keeps_both_rows(self):
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  s:get(T .. '/'); s:get(T .. '/json', { name = 'GET /' })\nend)\n")
        with harness.Nginx() as web:
            res = harness.run_molotov(["-r", "2", "--json", self.path("n.json"), "--threshold",
                                       "request:GET /:failures<1"], scenario_text=text,
                                      env={"TARGET": web.url})
        self.assertEqual(res.rc, 0, res)
        rep = json.load(open(self.path("n.json")))
        self.assertEqual(sorted(rep["requests"]), ["GET /", "GET / #2"])
        self.assertEqual(sum(r["count"] for r in rep["requests"].values()), 4)

    def test_junit_times_and_top_failures(self):
        text = ("local n = 0\nmolotov.scenario('flaky', 1, function(s)\n"
                "  n = n + 1; molotov.sleep(0.01)\n"
                "  if n % 3 == 0 then error('third') elseif n % 3 == 1 then error('first') end\n"
                "end)\n")
        res = harness.run_molotov(["-r", "9", "--junit", self.path("j.xml")], scenario_text=text)
        self.assertEqual(res.rc, 0, res)
        case = ET.parse(self.path("j.xml")).getroot().find("testsuite").find("testcase")
        self.assertGreaterEqual(float(case.get("time")), 0.09)  # 9 runs of 10 ms
        failure = case.find("failure")
        self.assertEqual(failure.get("message"), "6 of 9 runs failed")
        self.assertRegex(failure.text, r"3 x \S+:4: first\n")
        self.assertRegex(failure.text, r"3 x \S+:4: third\n")


class Merge(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="molotov-merge12-")

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run_to(self, name, script_text, args=(), rcs=(0, 99)):
        script = self.path(name + ".lua")
        with open(script, "w") as f:
            f.write(script_text)
        res = harness.run_molotov(["-r", "3", "-w", "2", "--json", self.path(name + ".json"),
                                   *args, script], env={"TARGET": self.url})
        self.assertIn(res.rc, rcs, res)
        return self.path(name + ".json")

    def test_merge_refuses_warns_adds_and_judges(self):
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  assert(s:get(T .. '/').status == 200)\nend)\n")
        with harness.Nginx() as web:
            self.url = web.url
            a = self.run_to("a", text, ["--threshold", "p99<1ms", "--threshold", "rps>0"])
            b = self.run_to("b", text)
            other = self.run_to("other", text + "-- another script\n")
            c = self.run_to("c", text, ["--threshold", "failures>100"])
        # the same report twice
        res = harness.run_molotov(["merge", a, a])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("hold the same run", res.stderr)
        # a merged report with one of its parts again
        res = harness.run_molotov(["merge", a, b, "--json", self.path("ab.json")])
        self.assertIn(res.rc, (0, 99), res)
        res = harness.run_molotov(["merge", self.path("ab.json"), b])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("the same run", res.stderr)
        # different scripts: refused unless --force
        res = harness.run_molotov(["merge", a, other])
        self.assertEqual(res.rc, 2, res)
        self.assertIn("different scripts", res.stderr)
        res = harness.run_molotov(["merge", a, other, "--force", "--threshold", "rps>0"])
        self.assertEqual(res.rc, 0, res)
        # the parts' thresholds are judged on the whole (failures>100 surely fails)
        res = harness.run_molotov(["merge", b, c, "--json", self.path("bc.json")])
        self.assertEqual(res.rc, 99, res)
        m = json.load(open(self.path("bc.json")))
        self.assertEqual([x["expr"] for x in m["thresholds"]], ["failures>100"])
        self.assertEqual(m["workers"], 4)  # workers add
        self.assertEqual(len(m["merge"]["parts"]), 2)
        self.assertEqual({p["requests"] for p in m["merge"]["parts"]}, {6})
        self.assertIn("Part (host: report)", res.stdout)
        # an override replaces them
        res = harness.run_molotov(["merge", b, c, "--threshold", "failures<1"])
        self.assertEqual(res.rc, 0, res)

    def test_a_part_without_its_identity_prints_dashes(self):
        # a report a user edited: no hostname; the parts table says "-"
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  assert(s:get(T .. '/').status == 200)\nend)\n")
        with harness.Nginx() as web:
            self.url = web.url
            a, b = self.run_to("a", text), self.run_to("b", text)
        rep = json.load(open(b))
        del rep["hostname"]
        json.dump(rep, open(b, "w"))
        res = harness.run_molotov(["merge", a, b])
        self.assertEqual(res.rc, 0, res)
        self.assertNotIn("(null)", res.stdout)
        self.assertRegex(res.stdout, r"\n-?: \S*b\.json\s+\d{4}-", res)

    def test_a_merge_of_runs_without_success_fails_as_they_did(self):
        # a run where nothing succeeded exits 1; its merge must not say PASS
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  assert(s:get(T .. '/status/503').status == 200, 'down')\nend)\n")
        with harness.Nginx() as web:
            self.url = web.url
            a, b = self.run_to("a", text, rcs=(1,)), self.run_to("b", text, rcs=(1,))
        self.assertEqual(json.load(open(a))["exit_code"], 1)
        res = harness.run_molotov(["merge", a, b, "--json", self.path("m.json")])
        self.assertEqual(res.rc, 1, res)
        self.assertIn("molotov merge: no scenario run succeeded (12 failed", res.stderr)
        m = json.load(open(self.path("m.json")))
        self.assertEqual(m["exit_code"], 1)
        self.assertTrue(m["outcome"].startswith("no scenario run succeeded"), m["outcome"])

    def test_runs_with_seconds_without_requests_merge_and_pool(self):
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  s:get(T .. '/'); molotov.sleep(1.3)\nend)\n")
        with harness.Nginx() as web:
            script = self.path("gap.lua")
            with open(script, "w") as f:
                f.write(text)
            res = harness.run_molotov(["-p", "2", "-w", "1", "-d", "4", "--json",
                                       self.path("gap.json"), script], env={"TARGET": web.url})
            self.assertEqual(res.rc, 0, res)
            self.assertNotIn("malformed", res.stderr)
            served = web.wait_for_count(json.load(open(self.path("gap.json")))["totals"]["requests"])
        rep = json.load(open(self.path("gap.json")))
        self.assertEqual(rep["totals"]["requests"], served)
        self.assertTrue(any(t["requests"] == 0 and t["successes"] for t in rep["timeline"]))
        res = harness.run_molotov(["merge", self.path("gap.json"), "--json", self.path("m.json")])
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(json.load(open(self.path("m.json")))["totals"]["requests"], served)

    def test_an_older_part_leaves_out_what_it_lacks(self):
        """tests/data/report-before-16.json was written by molotov at e71c916
        (before bytes, timings, workers and failure classes per second and
        the series): `-r 3 -w 2` of OLD_SCRIPT, 12 requests, 6 of them 503s.
        Merged with a new run, the figures it lacks are null, not the new
        run's share passed off as the whole, and the merge says so."""
        old = os.path.join(harness.source_dir(), "tests", "data", "report-before-16.json")
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  s:get(T .. '/')\n  s:get(T .. '/status/503')\nend)\n")
        with harness.MolotovServe() as srv:
            self.url = srv.url
            new = self.run_to("new", text)
        res = harness.run_molotov(["merge", old, new, "--json", self.path("m.json"),
                                   "--html", self.path("m.html")])
        self.assertEqual(res.rc, 0, res)
        self.assertIn("report-before-16.json has no byte counts (the merged bytes are left out), "
                      "no request timings (the merged timings are left out), no workers per "
                      "second", res.stderr)
        self.assertNotIn("new.json has no", res.stderr)
        m = json.load(open(self.path("m.json")))
        t = m["totals"]
        self.assertEqual(t["requests"], 24)
        for k in ("bytes_sent", "bytes_received", "body_bytes_received"):
            self.assertIsNone(t[k], k)
            for q in m["requests"].values():
                self.assertIsNone(q[k], k)
        for q in m["requests"].values():
            self.assertIsNone(q["timings_ms"])
        # every second's failed requests by class add up: the old part's as other
        for p in m["timeline"]:
            self.assertIsNone(p["workers"])
            self.assertEqual(p["failed_requests"], p["transport_errors"] + p["failed_4xx"] +
                             p["failed_5xx"] + p["failed_other"], p)
        self.assertEqual(sum(p["failed_other"] for p in m["timeline"]), 6)
        self.assertEqual(sum(p["failed_5xx"] for p in m["timeline"]), 6)  # the new run's
        self.assertTrue(any("report-before-16.json has no" in w for w in m["merge"]["warnings"]))
        # merged again with another new run: still left out
        with harness.MolotovServe() as srv:
            self.url = srv.url
            new2 = self.run_to("new2", text)
        res = harness.run_molotov(["merge", self.path("m.json"), new2, "--json", self.path("m2.json")])
        self.assertEqual(res.rc, 0, res)
        self.assertIsNone(json.load(open(self.path("m2.json")))["totals"]["bytes_sent"])
        self.assertIn("m.json has no byte counts", res.stderr)

    def test_parts_that_do_not_overlap_warn(self):
        text = ("local T = os.getenv('TARGET')\nmolotov.scenario('a', 1, function(s)\n"
                "  s:get(T .. '/')\nend)\n")
        with harness.Nginx() as web:
            self.url = web.url
            a = self.run_to("a", text)
            time.sleep(1.2)  # the point: two runs at different times
            b = self.run_to("b", text)
        res = harness.run_molotov(["merge", a, b, "--json", self.path("m.json")])
        self.assertEqual(res.rc, 0, res)
        self.assertIn("do not overlap in time", res.stderr)
        m = json.load(open(self.path("m.json")))
        self.assertEqual(len(m["merge"]["warnings"]), 1)


if __name__ == "__main__":
    harness.main()
