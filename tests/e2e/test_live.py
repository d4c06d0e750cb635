"""The live view on a terminal (docs/cli.md "Console output"), watched as a
person sees it: molotov runs on a pseudo-terminal of 80 or 60 columns and
its output is fed to a terminal emulator that keeps a screen (pyte), which
is read after several redraws: one progress line and one figures line, none
wrapped or stacked, the figures moving; the Ctrl-C notice within 100 ms;
the deadline's notice while requests finish; --start-at's countdown; the
pool's start-up lines whole; the summary within 80 columns, aligned."""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import unittest

import pyte

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_console import SCENARIO  # noqa: E402  (a success and a failing scenario)

PROGRESS = re.compile(r"^(\d+\.\d)s / (\S+) \[([#.]+)\] +(\d+)%(  workers (\d+)/(\d+))?$")
FIGURES = re.compile(r"^(-|[\d,.]+) req/s \| errors (-|[<\d.]+%) \| p99 (-|[\d.]+(us|ms|s))( |$)")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


SLOW = """
local T = os.getenv("TARGET")
molotov.scenario("slow", 1, function(s)
  assert(s:get(T .. "/delay/" .. os.getenv("DELAY_MS")).status == 200)
end)
"""


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyRun:
    """molotov on a pseudo-terminal; a reader thread feeds a pyte screen."""

    def __init__(self, args, env, cols, rows=50, scenario=None):
        self.master, slave = pty.openpty()
        set_size(slave, rows, cols)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.lock = threading.Lock()
        full_env = dict(os.environ, TERM="xterm")
        full_env.pop("NO_COLOR", None)
        full_env.update(env)
        self.proc = subprocess.Popen([harness.molotov_bin(), *args, scenario],
                                     stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                                     env=full_env, start_new_session=True)
        os.close(slave)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.005)
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not data:
                return
            with self.lock:
                self.raw += data
                self.stream.feed(data)

    def lines(self):
        with self.lock:
            return [line.rstrip() for line in self.screen.display]

    def last_column_used(self):
        with self.lock:
            return [row for row, line in enumerate(self.screen.display) if line[-1] != " "]

    def resize(self, rows, cols):
        with self.lock:
            set_size(self.master, rows, cols)
            self.screen.resize(rows, cols)
        os.kill(self.proc.pid, signal.SIGWINCH)

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.lines()
            if predicate(lines):
                return time.monotonic(), lines
            time.sleep(0.002)
        raise AssertionError(f"never saw {what}:\n" + "\n".join(self.lines()))

    def finish(self, timeout=30):
        rc = self.proc.wait(timeout=timeout)
        self.thread.join(timeout=5)
        os.close(self.master)
        return rc, ANSI.sub("", self.raw.decode(errors="replace"))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def frame_of(lines):
    """The progress line's match and the line after it, or (None, None)."""
    for i, line in enumerate(lines):
        m = PROGRESS.match(line)
        if m:
            return m, lines[i + 1] if i + 1 < len(lines) else ""
    return None, None


class Live(unittest.TestCase):
    def setUp(self):
        import tempfile
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)

    def scenario(self, text):
        path = os.path.join(self._tmp.name, "scenario.lua")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start(self, args, text, env, cols, rows=50):
        run = PtyRun(args, env, cols, rows, self.scenario(text))
        self.addCleanup(run.kill)
        return run

    def watch_redraws(self, cols):
        with harness.Nginx() as web:
            run = self.start(["-w", "4", "-d", "4", "--console-update", "0.1"], SCENARIO,
                             {"TARGET": web.url, "NO_COLOR": "1"}, cols)
            run.wait_for(lambda ls: frame_of(ls)[0], 10, "a progress line")
            seen = []
            for _ in range(3):  # several redraws apart
                time.sleep(0.9)  # load runs meanwhile: what is watched is its screen
                lines = run.lines()
                if not frame_of(lines)[0]:
                    break  # the run ended
                seen.append(lines)
                self.assertEqual(run.last_column_used(), [], "\n".join(lines))
                self.assertEqual(sum(1 for ln in lines if PROGRESS.match(ln)), 1,
                                 "stacked progress lines:\n" + "\n".join(lines))
                self.assertEqual(sum(1 for ln in lines if FIGURES.match(ln)), 1,
                                 "stacked figures lines:\n" + "\n".join(lines))
                m, figures = frame_of(lines)
                self.assertRegex(figures, FIGURES, "\n".join(lines))  # right below: not wrapped
                self.assertEqual(m.group(2), "4.0s")
                self.assertEqual(m.group(6, 7), ("4", "4"))
                self.assertTrue(all(len(ln) < cols for ln in lines))
            rc, out = run.finish()
        self.assertEqual(rc, 0, out)
        self.assertGreaterEqual(len(seen), 2, out)
        elapsed = [float(frame_of(s)[0].group(1)) for s in seen]
        bars = [frame_of(s)[0].group(3).count("#") for s in seen]
        self.assertEqual(elapsed, sorted(set(elapsed)), elapsed)  # grows
        self.assertLess(bars[0], bars[-1], bars)
        failing = [ln for s in seen for ln in s if ln.startswith("failing (")]
        self.assertTrue(failing, "no failure line")
        self.assertTrue(failing[-1].endswith("got 404"), failing[-1])
        return out

    def test_80_columns_redrawn_in_place_and_summary_fits(self):
        out = self.watch_redraws(80)
        summary = out[out.index("Duration: "):].replace("\r\n", "\n").splitlines()
        for line in summary:
            self.assertLessEqual(len(line), 80, line)
        header = next(ln for ln in summary if ln.startswith("Requests (latency)"))
        rows = [ln for ln in summary if ln.startswith("  GET ") or ln.startswith("  All ")]
        self.assertGreaterEqual(len(rows), 4, summary)
        for col in ("count", "errors", "p99", "max"):
            end = header.index(col) + len(col)
            for row in rows:  # every figure ends under its header
                self.assertNotEqual(row[end - 1], " ", (col, row))
                self.assertTrue(end == len(row) or row[end] == " ", (col, row))
        self.assertRegex(out, r"All requests +\d{1,3}(,\d{3})+ ")  # grouped: over 1,000

    def test_60_columns_redrawn_in_place(self):
        self.watch_redraws(60)

    def test_resize_redraws_at_the_new_width(self):
        with harness.Nginx() as web:
            run = self.start(["-w", "2", "-d", "3", "--console-update", "0.1"], SCENARIO,
                             {"TARGET": web.url}, 100)
            _, lines = run.wait_for(lambda ls: frame_of(ls)[0], 10, "a progress line")
            wide = len(frame_of(lines)[0].group(0))
            run.resize(50, 60)
            _, lines = run.wait_for(lambda ls: frame_of(ls)[0] and
                                    len(frame_of(ls)[0].group(0)) < 60, 5, "a 60-column frame")
            self.assertGreater(wide, 60)
            self.assertEqual(sum(1 for ln in lines if PROGRESS.match(ln)), 1, lines)
            rc, out = run.finish()
        self.assertEqual(rc, 0, out)
        self.assertIn("\x1b[31m", run.raw.decode(errors="replace"))  # colour: NO_COLOR unset

    def test_ctrl_c_is_acknowledged_within_100_ms(self):
        with harness.MolotovServe() as srv:
            run = self.start(["-w", "3", "-d", "60"], SLOW,
                             {"TARGET": srv.url, "DELAY_MS": "3000", "NO_COLOR": "1"}, 80)
            run.wait_for(lambda ls: frame_of(ls)[0], 10, "a progress line")
            t0 = time.monotonic()
            os.kill(run.proc.pid, signal.SIGINT)
            seen, lines = run.wait_for(
                lambda ls: any(ln.startswith("stopping: waiting for 3 requests in flight, "
                                             "Ctrl-C again to abort") for ln in ls),
                2, "the stopping notice")
            rc, out = run.finish()
        self.assertLess(seen - t0, 0.1, "\n".join(lines))
        self.assertEqual(rc, 130, out)
        self.assertIn("Interrupted.", out)
        self.assertEqual(harness.assert_summary_counts(out), (3, 0))  # they finished

    def test_deadline_shows_the_notice_while_requests_finish(self):
        with harness.MolotovServe() as srv:
            t0 = time.monotonic()
            run = self.start(["-w", "2", "-d", "1"], SLOW,
                             {"TARGET": srv.url, "DELAY_MS": "2500", "NO_COLOR": "1"}, 80)
            seen, lines = run.wait_for(
                lambda ls: any(ln.startswith("stopping: waiting for 2 requests in flight, "
                                             "Ctrl-C to abort") for ln in ls),
                10, "the deadline's notice")
            rc, out = run.finish()
        self.assertEqual(rc, 0, out)
        self.assertLess(seen - t0, 2.4, "the notice came only at the end")
        m, _ = frame_of(lines)
        self.assertEqual(m.group(2), "1.0s")
        self.assertEqual(m.group(4), "100")

    def test_start_at_counts_down(self):
        with harness.Nginx() as web:
            at = int(time.time()) + 4
            # -s home: one run of the scenario that succeeds (a random pick of the
            # failing one would make the run exit 1)
            run = self.start(["-r", "1", "-s", "home", "--start-at", str(at)], SCENARIO,
                             {"TARGET": web.url}, 80)
            values = set()
            waiting = re.compile(r"^Waiting (\d+\.\d)s for --start-at\.\.\.$")
            while time.time() < at - 0.3:
                lines = run.lines()
                found = [waiting.match(ln) for ln in lines if waiting.match(ln)]
                self.assertLessEqual(len(found), 1, lines)  # redrawn, not stacked
                values.update(m.group(1) for m in found)
                time.sleep(0.05)
            rc, out = run.finish()
        self.assertEqual(rc, 0, out)
        self.assertGreaterEqual(len(values), 2, values)  # it counted down

    def test_pool_start_lines_are_whole(self):
        with harness.Nginx() as web:
            run = self.start(["-p", "3", "-w", "2", "-d", "1"], SCENARIO,
                             {"TARGET": web.url, "NO_COLOR": "1"}, 80, rows=200)
            rc, out = run.finish()
        self.assertEqual(rc, 0, out)
        lines = run.lines()  # the screen: 200 rows, nothing scrolled away
        prep = [i for i, ln in enumerate(lines)
                if re.fullmatch(r"\[\d+\] Preparing 2 workers\.\.\.", ln)]
        self.assertEqual(len(prep), 3, out)
        for i in prep:  # each followed by its own OK
            pid = lines[i].split("]")[0]
            self.assertEqual(lines[i + 1], pid + "] OK", out)

    def test_dumb_terminal_gets_plain_lines(self):
        with harness.Nginx() as web:
            run = self.start(["-w", "2", "-d", "5.5"], SCENARIO,
                             {"TARGET": web.url, "TERM": "dumb"}, 80)
            rc, _ = run.finish()
        raw = run.raw.decode(errors="replace")
        self.assertEqual(rc, 0, raw)
        self.assertNotIn("\x1b[", raw)
        self.assertRegex(raw, r"\r\n\d+\.\ds/5\.5s \| SUCCESSES: [\d,]+ \| FAILURES: [\d,]+ \| "
                              r"WORKERS: 2/2 \| [\d,.]+ req/s")


if __name__ == "__main__":
    harness.main()
