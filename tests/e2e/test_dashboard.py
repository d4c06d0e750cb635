"""--dashboard (docs/cli.md "Dashboard"): molotov serves a live page of the run on
its own loop. A real run against nginx: the URL is printed at the start, /events
sends the report so far every second (the numbers grow from one event to the
next, over -p 2's merged statistics too), then a final event; /report.json is
then the --json report, byte for byte, and /report.html the --html page; the
stream ends when the run does; Ctrl-C ends --dashboard-keep at once with the
run's own exit code; a bad or taken address is a usage error before any load."""
import http.client
import json
import os
import queue
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# a bounded load: each run sleeps 20 ms between two requests
SCENARIO = """
local T = os.getenv("TARGET")
molotov.scenario("get", 1, function(s)
  assert(s:get(T .. "/").status == 200)
  molotov.sleep(0.02)
end)
"""

URL_RE = re.compile(r"^Dashboard: (http://127\.0\.0\.1:(\d+)/)$")


class LiveRun:
    """molotov running in the background, its stdout read line by line."""

    def __init__(self, tmp, target, args, preexec_fn=None):
        path = os.path.join(tmp, "scenario.lua")
        with open(path, "w") as f:
            f.write(SCENARIO)
        env = dict(os.environ, TARGET=target)
        self.proc = subprocess.Popen([harness.molotov_bin(), *args, path], cwd=tmp, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True, preexec_fn=preexec_fn)
        self.lines = queue.Queue()
        self.out = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.out.append(line)
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_line(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern!r}:\n{''.join(self.out)}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"molotov exited before {pattern!r}:\n{''.join(self.out)}"
                                     f"\n[stderr]\n{self.proc.stderr.read()}")
            m = re.match(pattern, line)
            if m:
                return m

    def finish(self, timeout=30):
        rc = self.proc.wait(timeout=timeout)
        return rc, "".join(self.out), self.proc.stderr.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


def events(port, timeout=20):
    """Yields (name, data) for each event of /events, until its end."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", "/events")
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    assert resp.getheader("Content-Type") == "text/event-stream"
    name, data = None, None
    try:
        while True:
            line = resp.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                assert data is None, "one data line per event"
                data = json.loads(line[6:])
            elif line == "":
                assert data is not None, "an event without data"
                yield name or "message", data
                name, data = None, None
    finally:
        conn.close()


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Type"), body


class Dashboard(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="molotov-e2e-dash-")
        self.tmp = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def start(self, target, *args, preexec_fn=None):
        run = LiveRun(self.tmp, target, args, preexec_fn)
        self.addCleanup(run.kill)
        m = run.wait_line(URL_RE.pattern)
        return run, int(m.group(2))

    def test_events_grow_then_the_final_report_is_the_json_one(self):
        json_path = os.path.join(self.tmp, "out.json")
        html_path = os.path.join(self.tmp, "out.html")
        with harness.Nginx() as web:
            run, port = self.start(web.url, "-p", "2", "-w", "2", "-d", "4",
                                   "--dashboard", "127.0.0.1:0", "--dashboard-keep", "60",
                                   "--json", json_path, "--html", html_path)
            status, _, body = get(port, "/report.json")
            self.assertEqual(status, 409, "no final report while the run goes")
            self.assertIn(b"run still going", body)
            live, final = [], None
            for name, data in events(port):
                if name == "final":
                    final = data
                    continue
                self.assertIsNone(final, "nothing after the final event")
                self.assertEqual(name, "message")
                live.append(data)
            # the stream ended with the run; --dashboard-keep keeps the server up
            run.wait_line(r"^Dashboard: http://127\.0\.0\.1:%d/ stays up 60 s" % port)
            self.assertIsNotNone(final, "a final event")
            counts = [d["totals"]["requests"] for d in live]
            self.assertGreaterEqual(len(live), 3, counts)
            self.assertTrue(all(b >= a for a, b in zip(counts, counts[1:])), counts)
            self.assertGreater(counts[-1], counts[0], counts)
            for d in live:  # the --json report's shape, not over yet
                self.assertEqual(d["stop_reason"], "running")
                self.assertIsNone(d["exit_code"])
                self.assertIn("histograms", d)
                self.assertEqual(d["run_id"], final["run_id"])
            self.assertEqual(final["stop_reason"], "completed")
            self.assertEqual(final["exit_code"], 0)

            status, ctype, body = get(port, "/report.json")
            self.assertEqual((status, ctype), (200, "application/json"))
            with open(json_path, "rb") as f:
                self.assertEqual(body, f.read(), "/report.json is --json's file")
            self.assertEqual(json.loads(body), final)
            status, ctype, body = get(port, "/report.html")
            self.assertEqual((status, ctype), (200, "text/html; charset=utf-8"))
            self.assertIn(final["run_id"].encode(), body)
            with open(html_path, "rb") as f:
                self.assertEqual(body, f.read(), "/report.html is --html's file")
            self.assertEqual(get(port, "/healthz")[:1], (200,))
            web.wait_for_count(final["totals"]["requests"], path="/")
            self.assertEqual(web.count(path="/", status=200), final["totals"]["requests"])

            t0 = time.monotonic()
            run.proc.send_signal(signal.SIGINT)  # ends the keep, not the run's verdict
            rc, out, err = run.finish(timeout=10)
            self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(rc, 0, out + err)
        self.assertFalse(harness.port_accepts(port), "the dashboard is closed")
        self.assertNotIn("handles left open", err)

    def test_without_keep_the_final_event_still_arrives(self):
        with harness.Nginx() as web:
            run, port = self.start(web.url, "-w", "2", "-d", "2", "--dashboard")
            got = list(events(port))
            rc, out, err = run.finish()
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(got[-1][0], "final", [n for n, _ in got])
        self.assertEqual(got[-1][1]["totals"]["requests"], harness.assert_summary_counts(out)[0])
        self.assertNotIn("stays up", out)

    def test_ctrl_c_during_the_run_sends_an_interrupted_final(self):
        with harness.Nginx() as web:
            run, port = self.start(web.url, "-w", "2", "-d", "60", "--dashboard", "0")
            stream = events(port)
            first = next(stream)  # the run is going
            self.assertEqual(first[1]["stop_reason"], "running")
            run.proc.send_signal(signal.SIGINT)
            final = [d for n, d in stream if n == "final"]
            rc, out, err = run.finish()
        self.assertEqual(rc, 130, out + err)
        self.assertEqual(len(final), 1)
        self.assertEqual(final[0]["stop_reason"], "interrupted")
        self.assertEqual(final[0]["exit_code"], 130)

    def test_bad_and_taken_addresses_are_usage_errors(self):
        """Checked before anything is printed: exit 2, one line on stderr."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            for args, why in (([f"--dashboard={port}"],
                               f"--dashboard: cannot listen on 127.0.0.1 port {port}: "
                               "address already in use"),
                              (["--dashboard", f"localhost:{port}"], "cannot listen"),
                              (["--dashboard", "99999"],
                               "--dashboard: port 99999 is over 65535"),
                              (["--dashboard=foo:1"],
                               "--dashboard: 'foo' is not an IP address or localhost"),
                              (["--dashboard", "1.2.3:80"], "'1.2.3' is not an IP address"),
                              (["--dashboard", "[::1"], "--dashboard: expected"),
                              (["--dashboard=a/b:1"], "'a/b' is not an IP address")):
                res = harness.run_molotov(["-w", "1", "-d", "1", *args],
                                          scenario_text=SCENARIO, timeout=20,
                                          env={"TARGET": "http://127.0.0.1:1"})
                self.assertEqual(res.rc, 2, res)
                lines = [line for line in res.stderr.splitlines() if line.strip()]
                self.assertEqual(len(lines), 1, res)
                self.assertIn(why, lines[0], res)
                self.assertEqual(res.stdout, "", "nothing printed before the error")

    def test_address_forms(self):
        """localhost, a bare IPv6 address and [IPv6]:PORT are accepted."""
        forms = [("localhost", r"http://127\.0\.0\.1:(\d+)/"),
                 ("localhost:0", r"http://127\.0\.0\.1:(\d+)/")]
        if ipv6_loopback():
            forms += [("::1", r"http://\[::1\]:(\d+)/"), ("[::1]:0", r"http://\[::1\]:(\d+)/")]
        for addr, url in forms:
            res = harness.run_molotov(["-w", "1", "--single-run", "--dashboard", addr],
                                      scenario_text=SCENARIO, timeout=20,
                                      env={"TARGET": "http://127.0.0.1:1"})
            self.assertIn(res.rc, (0, 1), res)  # the target refuses: the run itself fails
            self.assertRegex(res.stdout, r"(?m)^Dashboard: " + url + "$", res)

    def test_idle_connections_under_a_low_descriptor_limit(self):
        """150 idle connections with ulimit -n 128: the dashboard keeps a quarter of the
        limit (32; 64 at most), answers 503 to the others at once, and the --json
        report is still written."""
        json_path = os.path.join(self.tmp, "fd.json")

        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

        with harness.Nginx() as web:
            run, port = self.start(web.url, "-w", "1", "-d", "3", "--dashboard",
                                   "--json", json_path, preexec_fn=limit)
            socks = []
            try:
                for _ in range(150):
                    socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
                rc, out, err = run.finish()
                answers = []  # what each got until its end: a 503, or nothing at the exit
                for s in socks:
                    data = b""
                    while chunk := s.recv(4096):
                        data += chunk
                    answers.append(data)
            finally:
                for s in socks:
                    s.close()
        self.assertEqual(rc, 0, out + err)
        with open(json_path) as f:
            self.assertGreater(json.load(f)["totals"]["requests"], 0)
        self.assertEqual(answers[:32], [b""] * 32, "the first 32 held until the end")
        for data in answers[32:]:
            self.assertTrue(data.startswith(b"HTTP/1.1 503 "), data)
            self.assertTrue(data.endswith(b"\r\n\r\ntoo many clients\n"), data)

def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False

if __name__ == "__main__":
    harness.main()
