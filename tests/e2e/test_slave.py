"""moloslave (issue 14): `molotov slave REPO[#REF] [TEST]` and the
`moloslave` command name clone a git repository the test makes, served over
git's own protocol (`git daemon` on 127.0.0.1) and as file://, read its
molotov.json, apply its env and run the test against nginx (counted in its
log), then remove the clone; a clone, a file or a test that is missing is a
clear error (exit 2) with nothing sent."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SCENARIO = """
molotov.scenario("home", 1, function(s)
  assert(os.getenv("WHO") == "the test's env", "env: " .. tostring(os.getenv("WHO")))
  assert(s:get(os.getenv("TARGET") .. "/").status == 200)
end)
"""


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args],
                   cwd=cwd, check=True, capture_output=True)


@unittest.skipIf(not shutil.which("git"), "git is not installed")
class Slave(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.web = harness.Nginx()
        cls.web.start()
        cls.root = tempfile.mkdtemp(prefix="molotov-slave-repos-")
        cls.repo = os.path.join(cls.root, "loadtests")
        os.mkdir(cls.repo)
        conf = {"molotov": {"env": {"TARGET": cls.web.url, "WHO": "the file's env"},
                            "requirements": "requirements.txt",
                            "tests": {"test": {"scenario": "loadtest.lua", "workers": 2,
                                               "max_runs": 3, "env": {"WHO": "the test's env"}},
                                      "one": {"scenario": "loadtest.lua", "max_runs": 1,
                                              "env": {"WHO": "the test's env"}}}}}
        with open(os.path.join(cls.repo, "molotov.json"), "w") as f:
            json.dump(conf, f)
        with open(os.path.join(cls.repo, "loadtest.lua"), "w") as f:
            f.write(SCENARIO)
        git("init", "-q", "-b", "main", cwd=cls.repo)
        git("add", ".", cwd=cls.repo)
        git("commit", "-qm", "load tests", cwd=cls.repo)
        git("tag", "v1", cwd=cls.repo)
        git("checkout", "-qb", "empty", cwd=cls.repo)  # a branch without molotov.json
        git("rm", "-q", "molotov.json", cwd=cls.repo)
        git("commit", "-qm", "no config", cwd=cls.repo)
        git("checkout", "-q", "main", cwd=cls.repo)
        cls.port = harness.free_port()
        cls.daemon = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={cls.root}",
             "--listen=127.0.0.1", f"--port={cls.port}", cls.root],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        harness.wait_until(lambda: harness.port_accepts(cls.port), 10, "git daemon")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.terminate()
        cls.daemon.wait(timeout=10)
        cls.web.stop()

    def slave(self, *args, name=None, cwd=None):
        binary = harness.molotov_bin()
        argv = [os.path.join(os.path.dirname(binary), name), *args] if name else \
               [binary, "slave", *args]
        start = time.monotonic()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd,
                           env={k: v for k, v in os.environ.items()
                                if k not in ("TARGET", "WHO")})
        p.duration = time.monotonic() - start
        m = re.search(r"Working directory is (\S+)", p.stdout)
        p.workdir = m.group(1) if m else None
        return p

    def test_git_daemon_clone_runs_the_default_test(self):
        before = self.web.count()
        out = os.path.join(tempfile.mkdtemp(), "r.json")
        p = self.slave(f"git://127.0.0.1:{self.port}/loadtests", "--", "--json", out)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(harness.assert_summary_counts(p.stdout), (6, 0))  # 2 workers x 3
        self.assertEqual(self.web.wait_for_count(before + 6) - before, 6)
        self.assertEqual(json.load(open(out))["totals"]["requests"], 6)
        self.assertIn("Running: molotov --config molotov.json test", p.stdout)
        self.assertFalse(os.path.exists(p.workdir))  # the clone is gone

    def test_options_after_the_separator_win_over_the_file(self):
        before = self.web.count()
        here = tempfile.mkdtemp(prefix="molotov-slave-here-")
        p = self.slave(f"file://{self.repo}", "--", "-r", "1", "--json", "rel.json", cwd=here)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(harness.assert_summary_counts(p.stdout), (2, 0))  # -r 1 over max_runs 3
        self.assertEqual(self.web.wait_for_count(before + 2) - before, 2)
        # the report is the caller's, not the removed clone's
        self.assertEqual(json.load(open(os.path.join(here, "rel.json")))["totals"]["requests"], 2)
        self.assertIn("Running: molotov --config molotov.json test -r 1 --json " + here, p.stdout)

    def test_moloslave_file_url_a_tag_a_test_and_keep(self):
        before = self.web.count()
        p = self.slave(f"file://{self.repo}#v1", "one", "--keep", name="moloslave")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(harness.assert_summary_counts(p.stdout), (1, 0))
        self.assertEqual(self.web.wait_for_count(before + 1) - before, 1)
        self.assertTrue(os.path.exists(os.path.join(p.workdir, "molotov.json")))
        shutil.rmtree(p.workdir)

    def test_what_cannot_be_run_is_a_clear_error(self):
        before = self.web.count()
        cases = [
            ([f"git://127.0.0.1:{self.port}/nothing-here"], "git clone"),
            ([f"file://{self.repo}", "nope"], "no test named 'nope'"),
            ([f"file://{self.repo}#empty"], "molotov.json: cannot read"),
            ([f"file://{self.repo}#no-such-branch"], "git clone"),
            ([], "name the repository"),
        ]
        for args, needle in cases:
            p = self.slave(*args)
            self.assertEqual(p.returncode, 2, (args, p.stdout, p.stderr))
            self.assertIn(needle, p.stderr)
            if p.workdir:
                self.assertFalse(os.path.exists(p.workdir))
        self.assertEqual(self.web.count(), before)  # nothing was sent

    def test_the_container_entrypoint_runs_it_from_the_environment(self):
        entry = harness.source_dir() / "deploy" / "entrypoint.sh"
        bindir = tempfile.mkdtemp()
        os.symlink(harness.molotov_bin(), os.path.join(bindir, "molotov"))
        before = self.web.count()
        env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"],
                   TEST_REPO=f"file://{self.repo}", TEST_REF="v1", TEST_NAME="one")
        env.pop("TARGET", None)
        p = subprocess.run(["sh", str(entry), "-q"], capture_output=True, text=True, env=env,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.web.wait_for_count(before + 1) - before, 1)
        env.pop("TEST_REPO")
        p = subprocess.run(["sh", str(entry), "--version"], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertIn("molotov ", p.stdout)


if __name__ == "__main__":
    harness.main()
