"""`molotov serve ARGS` runs the molotov-serve beside the molotov binary (the
same process, exec'd) with ARGS, and says which file is missing when it is
not there. The server's own behaviour is tested by tests/test_serve_*.c and
through harness.MolotovServe everywhere else."""
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class Subcommand(unittest.TestCase):
    def test_serve_execs_molotov_serve(self):
        proc = subprocess.Popen([harness.molotov_bin(), "serve", "--port", "0", "--duration", "5"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            self.assertRegex(line, r"^molotov serve: listening on http://127\.0\.0\.1:\d+\n$")
            # exec'd, not forked: the pid we started is molotov-serve's
            exe = os.readlink(f"/proc/{proc.pid}/exe")
            self.assertEqual(exe, os.path.realpath(harness.molotov_serve_bin()))
            port = int(line.rsplit(":", 1)[1])
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/")
            resp = conn.getresponse()
            self.assertEqual((resp.status, resp.read()), (200, b"Hello from molotov serve\n"))
            conn.close()
            proc.terminate()
            self.assertEqual(proc.wait(timeout=10), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()

    def test_arguments_pass_through(self):
        res = harness.run_molotov(["serve", "--bogus"])
        self.assertEqual(res.rc, 2, res)
        self.assertEqual(res.stderr, "molotov serve: unknown option '--bogus' (see --help)\n")
        res = harness.run_molotov(["serve", "--help"])
        self.assertEqual(res.rc, 0, res)
        self.assertTrue(res.stdout.startswith("usage: molotov serve [--host H]"), res)

    def test_missing_molotov_serve_exits_2(self):
        with tempfile.TemporaryDirectory(prefix="molotov-e2e-alone-") as tmp:
            alone = os.path.join(tmp, "molotov")
            shutil.copy(harness.molotov_bin(), alone)
            res = subprocess.run([alone, "serve", "--port", "0"], capture_output=True, text=True,
                                 timeout=30)
        self.assertEqual(res.returncode, 2, res)
        self.assertEqual(res.stdout, "")
        missing = os.path.join(os.path.realpath(tmp), "molotov-serve")
        self.assertEqual(res.stderr,
                         f"molotov serve: cannot run {missing}: No such file or directory\n")


if __name__ == "__main__":
    harness.main()
