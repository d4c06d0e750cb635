"""What a person sees (docs/cli.md "Console output"): the header, the
live line redrawn on a terminal, a plain progress line every few seconds
without one, the summary with failure counts; -q, -v and -vv."""
import os
import pty
import re
import select
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# the plain line (not a terminal) and, on one, the frame's figures line
LIVE_RE = re.compile(r"\d+\.\ds/\d+\.\ds \| SUCCESSES: [\d,]+ \| FAILURES: [\d,]+ \| WORKERS: \d+/\d+ \| "
                     r"(-|[\d,.]+) req/s \| errors (-|[<\d.]+%) \| p99 (-|[\d.]+(us|ms|s))"
                     r"( \| failing \(\d+\): .*)?")
FRAME_RE = re.compile(r"(-|[\d,.]+) req/s \| errors (-|[<\d.]+%) \| p99 (-|[\d.]+(us|ms|s))")

SCENARIO = """
local T = os.getenv("TARGET")
molotov.scenario("home", 3, function(s) assert(s:get(T .. "/").status == 200) end)
molotov.scenario("bad", 1, function(s)
  local r = s:get(T .. "/status/404")
  assert(r.status == 200, "expected 200, got " .. r.status)
end)
"""


def run_on_pty(argv, env, timeout):
    """Runs argv with stdout and stderr on a pseudo-terminal; returns (rc, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            env=env, start_new_session=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        rc = proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return rc, b"".join(chunks).decode(errors="replace")


class Console(unittest.TestCase):
    def setUp(self):
        self.web = harness.Nginx()
        self.web.start()
        self.addCleanup(self.web.stop)

    def test_terminal_redraws_the_live_line(self):
        scenario = os.path.join(self.web.dir, "scenario.lua")
        with open(scenario, "w") as f:
            f.write(SCENARIO)
        env = dict(os.environ, TARGET=self.web.url)
        # --delay: the live view is the point, not the load (unpaced, 4 workers make
        # ~100k requests, which the machine's other tests compete with)
        rc, out = run_on_pty([harness.molotov_bin(), "-w", "4", "-d", "1.5", "--delay", "0.005",
                              "--console-update", "0.1", scenario], env, timeout=30)
        self.assertEqual(rc, 0, out)
        self.assertTrue(out.startswith("**** Molotov v"), out[:200])
        redraws = out.count("\x1b[J\r")  # each frame ends erasing below, back at its start
        self.assertGreaterEqual(redraws, 8, out[-2000:])  # ~14 expected in 1.5 s
        self.assertGreaterEqual(len(FRAME_RE.findall(out)), 8)
        self.assertRegex(out, r"\r\n\s*[\d,]+  \S*scenario\.lua:6: expected 200, got 404\r\n")
        ok, failed = harness.assert_summary_counts(out)
        self.assertGreater(failed, 0)
        self.assertEqual(self.web.wait_for_count(ok + failed), ok + failed)

    def test_without_terminal_prints_plain_progress_lines(self):
        res = harness.run_molotov(["-w", "2", "-d", "6", "--delay", "0.05"],
                                  scenario_text=SCENARIO, env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 0, res)
        self.assertNotIn("\x1b[", res.stdout)
        lines = res.stdout.splitlines()
        self.assertEqual(lines[0][:15], "**** Molotov v0")
        live = [l for l in lines if LIVE_RE.fullmatch(l)]
        self.assertGreaterEqual(len(live), 1, res)  # one every 5 s
        self.assertLessEqual(len(live), 2, res)
        self.assertEqual(lines[-2][:11], "SUCCESSES: ")
        self.assertRegex(lines[-2], r"^SUCCESSES: \d+ \| FAILURES: \d+$")

    def test_without_terminal_the_deadline_notice_only_when_the_wait_lasts(self):
        # a run whose requests end at once says nothing at its deadline; one
        # whose last requests take 2.5 s more says it waits for them
        res = harness.run_molotov(["-w", "2", "-d", "1"], scenario_text=SCENARIO,
                                  env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 0, res)
        self.assertNotIn("stopping:", res.stdout)
        with harness.MolotovServe() as srv:
            slow = ('local T = os.getenv("TARGET")\n'
                    'molotov.scenario("slow", 1, function(s) s:get(T .. "/delay/2500") end)\n')
            res = harness.run_molotov(["-w", "2", "-d", "1"], scenario_text=slow,
                                      env={"TARGET": srv.url})
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(res.stdout.count("stopping: waiting for 2 requests in flight, "
                                          "Ctrl-C to abort\n"), 1, res)

    def test_quiet_prints_nothing(self):
        res = harness.run_molotov(["-q", "-r", "3", "-s", "home"], scenario_text=SCENARIO,
                                  env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(res.stdout, "")
        self.assertEqual(res.stderr, "")
        self.assertEqual(self.web.wait_for_count(3), 3)

    def test_verbose_prints_tracebacks(self):
        res = harness.run_molotov(["-v", "-s", "bad", "-r", "1"], scenario_text=SCENARIO,
                                  env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 1, res)
        self.assertIn("stack traceback", res.stderr)
        self.assertIn("scenario.lua:6", res.stderr)

    def test_very_verbose_masks_secrets(self):
        text = """
local T = os.getenv("TARGET")
molotov.setup(function() return { headers = { Authorization = "Bearer s3cr3t-token" } } end)
molotov.scenario("s", 1, function(s)
  s:get(T .. "/", { cookies = { sid = "c00kie-value" } })
  s:post(T .. "/", { body = '{"Authorization": "Bearer b0dy-secret", "n": "x\\0y"}' })
end)
"""
        res = harness.run_molotov(["-vv", "--single-run"], scenario_text=text,
                                  env={"TARGET": self.web.url})
        self.assertEqual(res.rc, 0, res)
        # bodies are shown too, secrets in them masked
        self.assertRegex(res.stderr,
                         r'> \[\d+ bytes\] \{"Authorization": "(Bearer )?\*\*\*", "n": "x\.y"\}')
        self.assertIn("> GET / HTTP/1.1", res.stderr)
        self.assertIn("< HTTP/1.1 200 OK", res.stderr)
        self.assertIn("> Authorization: ***", res.stderr)
        self.assertIn("> Cookie: ***", res.stderr)
        for secret in ("s3cr3t-token", "c00kie-value", "b0dy-secret"):
            self.assertNotIn(secret, res.stderr + res.stdout)


if __name__ == "__main__":
    harness.main()
