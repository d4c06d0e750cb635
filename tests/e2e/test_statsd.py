"""--statsd (issue 3): per request a timing and a status counter, named as
Molotov names them, over UDP to a listener the test opens; a StatsD
address where nobody listens never slows the run."""
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TEXT = """
local T = os.getenv("TARGET")
molotov.scenario("s", 1, function(s)
  assert(s:get(T .. "/json?x=1").status == 200)
  assert(s:post(T .. "/status/201").status == 201)
end)
"""


class StatsD(harness.NginxCase):
    def listener(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.addCleanup(sock.close)
        return sock

    def drain(self, sock, want_lines):
        """Every metric line received, until want_lines arrived (or 5 s)."""
        sock.settimeout(5)
        lines = []
        while len(lines) < want_lines:
            try:
                data = sock.recv(65536).decode()
            except socket.timeout:
                break
            lines += data.splitlines()
        return lines

    def check(self, processes):
        sock = self.listener()
        port = sock.getsockname()[1]
        res = self.run_m(["-p", str(processes), "-w", "2", "-r", "5", "--statsd",
                          "--statsd-address", f"udp://127.0.0.1:{port}"], TEXT)
        self.assertEqual(res.rc, 0, res)
        runs = processes * 2 * 5
        self.assertEqual(harness.assert_summary_counts(res.stdout), (runs, 0))
        lines = self.drain(sock, 4 * runs)
        host = socket.gethostname()
        base = f"molotov.{host}"
        get = f"{base}.GET.127.0.0.1./json"
        post = f"{base}.POST.127.0.0.1./status/201"
        timings = [l for l in lines if l.endswith("|ms")]
        self.assertEqual(sum(l.startswith(get + ":") for l in timings), runs, lines[:4])
        self.assertEqual(sum(l.startswith(post + ":") for l in timings), runs)
        self.assertEqual(lines.count(f"{get}.200:1|c"), runs)
        self.assertEqual(lines.count(f"{post}.201:1|c"), runs)
        for l in timings:
            ms = float(l.rsplit(":", 1)[1][:-3])
            self.assertTrue(0 <= ms < 5000, l)
        self.assertEqual(self.web.wait_for_count(2 * runs), 2 * runs)

    def test_metrics_from_one_process(self):
        self.check(1)

    def test_metrics_from_every_process(self):
        self.check(2)

    def test_silent_address_never_slows_the_run(self):
        port = harness.free_port()  # nobody listens: ICMP refusals, dropped datagrams
        res = self.run_m(["-w", "4", "-d", "2", "--statsd", "--statsd-address",
                          f"udp://127.0.0.1:{port}"], TEXT)
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0)
        # thousands of requests/s, as without StatsD (an ASan build is slower)
        self.assertGreater(ok, 300 if harness.sanitized_build() else 1000, res)
        self.assertLess(res.duration, 4)

    def test_bad_address_is_a_usage_error(self):
        for addr in ("tcp://127.0.0.1:8125", "udp://127.0.0.1", "udp://nonexistent.invalid:8125"):
            res = self.run_m(["--statsd", "--statsd-address", addr, "-r", "1"], TEXT)
            self.assertEqual(res.rc, 2, res)
            self.assertIn("--statsd-address", res.stderr)
        self.assertEqual(self.web.count(), 0)


if __name__ == "__main__":
    harness.main()
