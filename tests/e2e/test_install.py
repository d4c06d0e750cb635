"""Installing molotov puts its three commands on the PATH: `cmake --install`
with a prefix or DESTDIR, and scripts/install.sh PREFIX, run the installed
`molotov --version`, `moloslave --help` and `molotov serve` (which must exec
the installed molotov-serve), and a run of scenarios/demo.lua with the
installed molotov. Also the promises of the quick start: the README's test
command is what .ci/run calls, demo.sh installs the build list only, and that
list is the one the Containerfile builds with."""
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.source_dir()
COMMANDS = ["molotov", "molotov-serve", "moloslave"]


def build_dir() -> Path:
    return Path(harness.molotov_bin()).resolve().parent


def version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(molotov VERSION ([\d.]+)", text).group(1)


def path_env(bindir) -> dict:
    """The environment with only bindir and the system's directories on the PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{bindir}:/usr/bin:/bin"
    return env


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def build_list():
    res = run(["bash", str(ROOT / "scripts" / "install-deps.sh"), "--list", "build"])
    assert res.returncode == 0, res
    return res.stdout.split()


class Installed(unittest.TestCase):
    """Checks of one installed bin/ directory."""

    def setUp(self):
        if not shutil.which("cmake"):
            self.skipTest("cmake is not installed")
        if not (build_dir() / "cmake_install.cmake").exists():
            self.skipTest(f"{build_dir()} is not a CMake build directory")
        self.tmp = Path(tempfile.mkdtemp(prefix="molotov-install-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def check_bin(self, bindir: Path):
        self.assertEqual(sorted(os.listdir(bindir)), sorted(COMMANDS))
        self.assertTrue(os.access(bindir / "molotov-serve", os.X_OK))
        self.assertEqual(os.readlink(bindir / "moloslave"), "molotov")  # a relative link
        env = path_env(bindir)
        self.assertEqual(shutil.which("molotov", path=env["PATH"]), str(bindir / "molotov"))
        res = run(["molotov", "--version"], env=env)
        self.assertEqual((res.returncode, res.stdout), (0, f"molotov {version()}\n"), res)
        res = run(["moloslave", "--help"], env=env)
        self.assertEqual(res.returncode, 0, res)
        self.assertTrue(res.stdout.startswith("usage: molotov slave "), res.stdout)
        res = run(["molotov", "serve", "--help"], env=env)
        self.assertEqual(res.returncode, 0, res)
        self.assertTrue(res.stdout.startswith("usage: molotov serve "), res.stdout)
        self.check_serve_and_run(bindir, env)

    def check_serve_and_run(self, bindir: Path, env):
        """`molotov serve` execs the molotov-serve beside the installed molotov,
        and the installed molotov runs the demo against it."""
        proc = subprocess.Popen(["molotov", "serve", "--port", "0", "--duration", "60"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            line = proc.stdout.readline()
            m = re.match(r"molotov serve: listening on (http://127\.0\.0\.1:(\d+))\n$", line)
            self.assertTrue(m, line)
            self.assertEqual(os.readlink(f"/proc/{proc.pid}/exe"), str(bindir / "molotov-serve"))
            conn = http.client.HTTPConnection("127.0.0.1", int(m.group(2)), timeout=10)
            conn.request("GET", "/json")
            resp = conn.getresponse()
            self.assertEqual((resp.status, resp.read()), (200, b'{"hello":"world"}'))
            conn.close()
            res = run(["molotov", "--single-run", str(ROOT / "scenarios" / "demo.lua")],
                      env=dict(env, TARGET=m.group(1)))
            self.assertEqual(res.returncode, 0, res)
            self.assertIn("SUCCESSES: 3 | FAILURES: 0", res.stdout)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()

    def test_cmake_install_with_a_prefix(self):
        prefix = self.tmp / "prefix"
        res = run(["cmake", "--install", str(build_dir()), "--prefix", str(prefix)])
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(os.listdir(prefix), ["bin"])
        self.check_bin(prefix / "bin")

    def test_cmake_install_with_destdir(self):
        stage = self.tmp / "stage"
        res = run(["cmake", "--install", str(build_dir()), "--prefix", "/opt/molotov"],
                  env=dict(os.environ, DESTDIR=str(stage)))
        self.assertEqual(res.returncode, 0, res)
        files = sorted(str(p.relative_to(stage)) for p in stage.rglob("*") if not p.is_dir())
        self.assertEqual(files, sorted(f"opt/molotov/bin/{c}" for c in COMMANDS))
        self.check_bin(stage / "opt" / "molotov" / "bin")

    def test_install_sh_with_a_prefix(self):
        missing = [p for p in build_list()
                   if "install ok installed" not in run(["dpkg-query", "-W", "-f=${Status}", p]).stdout]
        if missing:
            self.skipTest(f"install.sh would apt-get install {missing}")
        prefix = self.tmp / "home" / ".local"
        env = dict(path_env("/nonexistent"), BUILD_DIR=str(build_dir()))
        env.pop("DESTDIR", None)
        res = run(["bash", str(ROOT / "scripts" / "install.sh"), str(prefix)], env=env)
        self.assertEqual(res.returncode, 0, res)
        other = shutil.which("molotov", path=env["PATH"])  # Debian's python3-molotov has one
        if other:
            self.assertIn(f"install: installed in {prefix}/bin, but {other} comes first on the "
                          "PATH", res.stdout)
        else:
            self.assertIn(f"install: {prefix}/bin is not on the PATH", res.stdout)
        res = run(["bash", str(ROOT / "scripts" / "install.sh"), str(prefix)],
                  env=dict(env, PATH=f"{prefix}/bin:/usr/bin:/bin"))
        self.assertEqual(res.returncode, 0, res)
        self.assertIn(f"install: molotov is on the PATH: {prefix}/bin/molotov", res.stdout)
        self.check_bin(prefix / "bin")


class QuickStart(unittest.TestCase):
    def test_the_readmes_test_command_is_what_ci_runs(self):
        readme = (ROOT / "README.md").read_text()
        blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
        commands = [line.split("#")[0].strip() for b in blocks for line in b.splitlines()
                    if "scripts/test.sh" in line.split("#")[0]]
        self.assertEqual(len(set(commands)), 1, commands)
        ci = (ROOT / ".ci" / "run").read_text().splitlines()
        steps = [l for l in ci if l.strip() and not l.startswith(("#", "set ", "cd "))]
        self.assertEqual(steps, commands[:1])

    def test_demo_installs_the_build_list_only(self):
        for script, which in (("demo.sh", "build"), ("install.sh", "build"),
                              ("test.sh", "test"), ("fuzz.sh", "test")):
            text = (ROOT / "scripts" / script).read_text()
            calls = re.findall(r'^\s*(?:bash\s+)?"?\S*scripts/install-deps\.sh"?\s+(\w+)', text,
                               re.M)
            self.assertEqual(calls, [which], script)
        tools = {"valgrind", "clang", "nginx-light", "python3-httpbin", "nodejs", "libcmocka-dev"}
        self.assertEqual(set(build_list()) & tools, set())

    def test_the_build_list_is_the_containerfiles_build_stage(self):
        text = (ROOT / "Containerfile").read_text()
        stage = re.split(r"^FROM ", text, flags=re.M)[1]
        m = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", stage, re.S)
        self.assertEqual(sorted(m.group(1).replace("\\", " ").split()), sorted(build_list()),
                         "scripts/install-deps.sh's build list and the Containerfile's build "
                         "stage must install the same packages")

    def test_every_script_parses(self):
        for script in sorted((ROOT / "scripts").glob("*.sh")):
            res = run(["bash", "-n", str(script)])
            self.assertEqual(res.returncode, 0, f"{script.name}: {res.stderr}")


if __name__ == "__main__":
    harness.main()
