"""The container image (issue 18), built and run for real: the Containerfile's
base image is made without a registry (deploy/base-image.sh: debootstrap,
podman import, cached), `podman build --isolation=chroot` builds the image
once for this file, and its root filesystem (`podman image mount`) is run with
chroot as the image's own user, through its entry point, in the multi-host
test's network namespaces: three load hosts against nginx on a server host,
merged by the image's molotov and counted in nginx's access log; then the
entry point with TEST_REPO, cloning a git repository as `molotov slave`.

No container is started (crun cannot here: cgroups in hybrid mode); chroot
stands in for the runtime: the image's files, user, entry point, working
directory and environment, not its isolation.

Skips (exit 77, reason printed) without root, podman, debootstrap, network
namespaces, or when the base image cannot be made (Debian's archive out of
reach). Cold (no base image, no build cache) about 100 s here (debootstrap
25 s, podman build 45 s: apt-get in both stages, the compile), warm 8 s."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_multihost  # noqa: E402  (its network namespaces)

SKIP = 77
ROOT = harness.source_dir()
TAG = "localhost/molotov:test"
SCENARIO = harness.GET_ROOT
IMAGE = {}  # the built image: root (its mounted root filesystem) and config


def sh(argv, timeout=900, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)


def prerequisites():
    """None, or why the image cannot be built and run here."""
    if os.geteuid() != 0:
        return "needs root (debootstrap, podman image mount, chroot)"
    for tool in ("podman", "debootstrap", "unshare", "chroot"):
        if not shutil.which(tool):
            return f"no {tool} (scripts/install-deps.sh test installs it)"
    why = test_multihost.can_make_namespaces()
    if why:
        return why
    t0 = time.monotonic()
    res = sh([str(ROOT / "deploy" / "base-image.sh"), str(ROOT / "Containerfile")])
    if res.returncode != 0:
        return f"deploy/base-image.sh cannot make the base image: {res.stderr.strip()[-600:]}"
    print(f"{res.stdout.strip()} ({time.monotonic() - t0:.0f}s)", flush=True)
    return None


def setUpModule():
    t0 = time.monotonic()
    res = sh(["podman", "build", "--isolation=chroot", "-t", TAG, "-f", "Containerfile", "."],
             cwd=ROOT)
    if res.returncode != 0:
        raise AssertionError(f"podman build failed:\n{res.stdout[-3000:]}{res.stderr[-3000:]}")
    print(f"podman build: {time.monotonic() - t0:.0f}s", file=sys.stderr, flush=True)
    IMAGE["config"] = json.loads(sh(["podman", "image", "inspect", TAG], check=True)
                                 .stdout)[0]["Config"]
    IMAGE["root"] = sh(["podman", "image", "mount", TAG], check=True).stdout.strip()


def tearDownModule():
    if "root" in IMAGE:
        sh(["podman", "image", "unmount", TAG])


# Inside a private mount namespace: the host's /dev, a new /proc, a tmpfs
# /tmp, the given directories bound in, then chroot as the image's user into
# its working directory, where the command runs.
RUN_IN_ROOT = r"""
set -e
root=$1 user=$2 workdir=$3; shift 3
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
while [ "$1" != -- ]; do mount --bind "$1" "$root$2"; shift 2; done
shift
exec chroot --userspec="$user" "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@"
"""


def in_image(args, ns, binds=(), env=None):
    """Popen of the image's entry point with args, as a container would run
    it: its user, working directory and environment (plus env), in network
    namespace ns; binds: (host directory, path in the image)."""
    cfg = IMAGE["config"]
    full_env = dict(e.split("=", 1) for e in cfg.get("Env", []))
    full_env.update(env or {})
    argv = ["ip", "netns", "exec", ns, "unshare", "--mount", "--propagation", "private",
            "/bin/sh", "-c", RUN_IN_ROOT, "sh", IMAGE["root"], cfg["User"], cfg["WorkingDir"]]
    for host, inside in binds:
        argv += [host, inside]
    argv += ["--", *cfg["Entrypoint"], *args]
    return subprocess.Popen(argv, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def image_user():
    return tuple(int(x) for x in IMAGE["config"]["User"].split(":"))


class Image(unittest.TestCase):
    def setUp(self):
        self.net = test_multihost.Network()
        self.addCleanup(self.net.remove)
        self.net.make()
        with test_multihost.inside(self.net.server):
            self.ng = harness.Nginx(host=test_multihost.SERVER)
            self.ng.start()
        self.addCleanup(self.ng.stop)
        self.work = tempfile.mkdtemp(prefix="molotov-image-")
        self.addCleanup(shutil.rmtree, self.work, True)
        os.chown(self.work, *image_user())  # the image's /work, writable by its user

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.write(text)
        os.chown(path, *image_user())

    def test_runs_as_its_user_with_every_library(self):
        self.assertNotIn(IMAGE["config"]["User"].split(":")[0], ("", "0", "root"))
        p = in_image(["--version"], self.net.hosts[0])
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("molotov", out.lower())
        ldd = subprocess.run(["chroot", IMAGE["root"], "ldd", "/usr/local/bin/molotov",
                              "/usr/local/bin/molotov-serve"], capture_output=True, text=True)
        self.assertEqual(ldd.returncode, 0, ldd.stderr)
        self.assertNotIn("not found", ldd.stdout)

    def test_three_hosts_merged_by_the_image_equal_the_access_log(self):
        self.write("loadtest.lua", SCENARIO)
        self.write("molotov.json", json.dumps({"molotov": {"env": {"TARGET": self.ng.url},
                                                           "tests": {"big": {
                                                               "scenario": "loadtest.lua",
                                                               "workers": 2, "duration": 2}}}}))
        start = int(time.time()) + 3
        pods = [in_image(["--config", "molotov.json", "big", "--start-at", str(start), "--json",
                          f"report-{i}.json"], h, binds=[(self.work, "/work")])
                for i, h in enumerate(self.net.hosts)]
        for p in pods:
            out, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, out + err)
            self.assertIn("SUCCESSES:", out)  # the summary, on a pipe
        reports = [f"report-{i}.json" for i in range(len(pods))]
        p = in_image(["merge", *reports, "--json", "merged.json", "--html", "merged.html"],
                     self.net.hosts[0], binds=[(self.work, "/work")])
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, out + err)
        with open(os.path.join(self.work, "merged.json")) as f:
            merged = json.load(f)
        log = self.ng.entries(path="/")
        self.assertGreater(len(log), 3 * 5)
        self.assertEqual(merged["totals"]["requests"], len(log))
        self.assertEqual(merged["totals"]["failures"], 0)
        for i in range(len(pods)):
            with open(os.path.join(self.work, f"report-{i}.json")) as f:
                rep = json.load(f)
            seen = sum(1 for e in log if e["remote_addr"] == self.net.address(i))
            self.assertEqual(rep["totals"]["requests"], seen)
        self.assertEqual(os.stat(os.path.join(self.work, "merged.html")).st_uid, image_user()[0])

    def test_test_repo_runs_molotov_slave(self):
        repo = tempfile.mkdtemp(prefix="molotov-image-repo-")
        self.addCleanup(shutil.rmtree, repo, True)
        with open(os.path.join(repo, "loadtest.lua"), "w") as f:
            f.write(SCENARIO)
        with open(os.path.join(repo, "molotov.json"), "w") as f:
            json.dump({"molotov": {"env": {"TARGET": self.ng.url}, "tests": {
                "smoke": {"scenario": "loadtest.lua", "single_run": True},
                "five": {"scenario": "loadtest.lua", "workers": 5, "max_runs": 1}}}}, f)
        git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"]
        for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "test"],
                     ["tag", "v1"]):
            subprocess.run(git + args, check=True, capture_output=True)
        subprocess.run(["chown", "-R", ":".join(map(str, image_user())), repo], check=True)
        p = in_image(["--json", "/work/slave.json"], self.net.hosts[1],
                     binds=[(self.work, "/work"), (repo, "/srv")],
                     env={"TEST_REPO": "file:///srv", "TEST_NAME": "five", "TEST_REF": "v1"})
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, out + err)
        self.assertIn("Running: molotov --config molotov.json five --json /work/slave.json", out)
        with open(os.path.join(self.work, "slave.json")) as f:
            rep = json.load(f)
        self.assertEqual(rep["totals"]["requests"], 5)
        self.assertEqual(self.ng.wait_for_count(5, path="/"), 5)
        self.assertEqual({e["remote_addr"] for e in self.ng.entries(path="/")},
                         {self.net.address(1)})


if __name__ == "__main__":
    why = prerequisites()
    if why:
        print(f"SKIP: {why}", flush=True)
        sys.exit(SKIP)
    harness.main()
