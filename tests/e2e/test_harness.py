"""Checks the e2e harness itself against the real servers (molotov not needed)."""

import json
import os
import socket
import sys
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

N = 25


def fetch(url, timeout=10):
    """(status, body) of a GET; urllib sends 'Connection: close' (no keep-alive)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        body = e.read()
        e.close()
        return e.code, body


class HarnessTestCase(unittest.TestCase):
    def assertGone(self, server, pid):
        self.assertIsNotNone(pid)
        self.assertFalse(harness.process_alive(pid), f"{server.name} master {pid} still alive")
        self.assertEqual(harness.process_group_members(pid), [],
                         f"{server.name} processes left in group {pid}")
        self.assertFalse(harness.port_accepts(server.port),
                         f"port {server.port} still accepts connections")


class TestUtilities(HarnessTestCase):
    def test_free_port_is_bindable(self):
        port = harness.free_port()
        self.assertTrue(1024 <= port <= 65535)
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))

    def test_assert_summary_counts_takes_last(self):
        out = ("SUCCESSES: 1 | FAILURES: 0\n...\n"
               "SUCCESSES: 120 | FAILURES: 3\nbye\n")
        self.assertEqual(harness.assert_summary_counts(out), (120, 3))
        with self.assertRaises(AssertionError):
            harness.assert_summary_counts("nothing here")

    def test_run_molotov_with_scenario(self):
        # /bin/sh stands in for the binary: the scenario path is the last arg ($0)
        with mock.patch.dict(os.environ, {"MOLOTOV_BIN": "/bin/sh"}):
            res = harness.run_molotov(
                ["-c", 'cat "$0"; echo "dir=$(pwd)" >&2; echo "v=$HX"; exit 3'],
                scenario_text="-- lua\nprint('hi')\n", env={"HX": "42"}, timeout=30)
        self.assertEqual(res.rc, 3)
        self.assertIn("print('hi')", res.stdout)
        self.assertIn("v=42", res.stdout)
        self.assertIn("dir=", res.stderr)
        self.assertTrue(res.scenario_path.endswith(".lua"))
        self.assertGreaterEqual(res.duration, 0)

    def test_run_molotov_uses_env_binary(self):
        # under ctest MOLOTOV_BIN is the real molotov; directly, /bin/false
        res = harness.run_molotov(["--version"], timeout=30)
        self.assertIsInstance(res.rc, int)

    def test_run_molotov_timeout_kills(self):
        with mock.patch.dict(os.environ, {"MOLOTOV_BIN": "/bin/sh"}):
            start = time.monotonic()
            with self.assertRaises(harness.MolotovTimeout) as cm:
                harness.run_molotov(["-c", "echo started; exec sleep 60"], timeout=1)
        self.assertLess(time.monotonic() - start, 20)
        self.assertIn("started", str(cm.exception))


class TestNginx(HarnessTestCase):
    def test_counts_and_routes(self):
        with harness.Nginx() as web:
            pid = web.pid
            self.assertEqual(web.url, f"http://127.0.0.1:{web.port}")
            for _ in range(N):
                status, body = fetch(web.url + "/")
                self.assertEqual(status, 200)
                self.assertEqual(body, b"molotov e2e ok\n")
            self.assertEqual(web.wait_for_count(N, timeout=10), N)
            self.assertEqual(web.count(), N)
            self.assertEqual(web.count(method="GET", path="/", status=200), N)

            status, body = fetch(web.url + "/json")
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body), {"ok": True, "server": "nginx"})
            for code in (201, 204, 302, 404, 418, 500, 503):
                self.assertEqual(fetch(web.url + f"/status/{code}")[0],
                                 200 if code == 302 else code)  # urllib follows 302 to /
            web.wait_for_count(N + 1 + 7 + 1)
            self.assertEqual(web.count(path="/status/418", status=418), 1)
            self.assertEqual(web.count(status=418), 1)
            self.assertEqual(web.count(path="/json"), 1)
            self.assertEqual(web.count(method="POST"), 0)

            fetch(web.url + "/json?a=1&b=2")
            web.wait_for_count(1, path="/json?a=1&b=2")
            e = web.entries(path="/json?a=1&b=2")[0]
            self.assertEqual((e["method"], e["path"], e["query"], e["status"]),
                             ("GET", "/json", "a=1&b=2", 200))
            self.assertIsInstance(e["request_time"], float)
            self.assertEqual(e["connection_requests"], 1)
            self.assertIn("Python-urllib", e["user_agent"])
        self.assertGone(web, pid)
        # the log stays readable after the server stopped
        self.assertEqual(web.count(path="/"), N + 1)  # + the 302 follow-up

    def test_extra_locations_and_post(self):
        locs = 'location = /hello { default_type text/plain; return 201 "hi\\n"; }'
        with harness.Nginx(locations=locs) as web:
            pid = web.pid
            self.assertEqual(fetch(web.url + "/hello"), (201, b"hi\n"))
            req = urllib.request.Request(web.url + "/", data=b"x=1", method="POST")
            with urllib.request.urlopen(req, timeout=10) as resp:
                self.assertEqual(resp.status, 200)
            self.assertEqual(fetch(web.url + "/missing")[0], 404)
            web.wait_for_count(3)
            self.assertEqual(web.count(method="POST", path="/"), 1)
            self.assertEqual(web.count(path="/hello", status=201), 1)
            self.assertEqual(web.count(status=404), 1)
        self.assertGone(web, pid)

    def test_stopped_when_test_body_raises(self):
        web = harness.Nginx()
        with self.assertRaises(RuntimeError):
            with web:
                pid = web.pid
                raise RuntimeError("boom")
        self.assertGone(web, pid)
        self.assertFalse(web.dir.exists())

    def test_retries_when_port_taken(self):
        with socket.socket() as taken:
            taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            taken.bind(("127.0.0.1", 0))
            taken.listen(8)
            busy = taken.getsockname()[1]
            real = harness.free_port
            ports = iter([busy])
            with mock.patch.object(harness, "free_port", lambda: next(ports, None) or real()):
                with harness.Nginx() as web:
                    self.assertNotEqual(web.port, busy)
                    self.assertEqual(fetch(web.url + "/")[0], 200)


class TestHttpbin(HarnessTestCase):
    def test_counts_and_routes(self):
        with harness.Httpbin() as hb:
            pid = hb.pid
            self.assertEqual(hb.url, f"http://127.0.0.1:{hb.port}")
            for _ in range(N):
                status, body = fetch(hb.url + "/get")
                self.assertEqual(status, 200)
                self.assertIn("headers", json.loads(body))
            for _ in range(N):
                self.assertEqual(fetch(hb.url + "/status/418")[0], 418)
            hb.wait_for_count(N, timeout=10, path="/get")
            hb.wait_for_count(2 * N, timeout=10)
            self.assertEqual(hb.count(path="/get"), N)  # readiness probes not counted
            self.assertEqual(hb.count(method="GET", path="/get", status=200), N)
            self.assertEqual(hb.count(path="/status/418", status=418), N)
            self.assertEqual(hb.count(), 2 * N)

            fetch(hb.url + "/get?x=y")
            hb.wait_for_count(1, path="/get?x=y")
            e = hb.entries(path="/get?x=y")[0]
            self.assertEqual((e["method"], e["path"], e["query"], e["status"]),
                             ("GET", "/get", "x=y", 200))
            self.assertIsInstance(e["request_time"], float)

            # two concurrent /delay/1 finish in about 1 s (threads, not a queue)
            import concurrent.futures
            start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(4) as ex:
                codes = list(ex.map(lambda _: fetch(hb.url + "/delay/1")[0], range(4)))
            self.assertEqual(codes, [200] * 4)
            self.assertLess(time.monotonic() - start, 3.5)
        self.assertGone(hb, pid)
        self.assertEqual(hb.count(path="/get"), N + 1)  # + /get?x=y

    def test_retries_when_port_taken(self):
        with socket.socket() as taken:
            taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            taken.bind(("127.0.0.1", 0))
            taken.listen(8)
            busy = taken.getsockname()[1]
            real = harness.free_port
            ports = iter([busy])
            with mock.patch.object(harness, "free_port", lambda: next(ports, None) or real()):
                with harness.Httpbin() as hb:
                    pid = hb.pid
                    self.assertNotEqual(hb.port, busy)
                    self.assertEqual(fetch(hb.url + "/get")[0], 200)
            self.assertGone(hb, pid)


if __name__ == "__main__":
    harness.main()
