"""Running on many machines (issue 7), end to end, on one machine: network
namespaces make a server host and three load hosts joined by a bridge; the
test follows the README's "Running on many machines" steps (one molotov.json,
a start time ahead, `--start-at` on every host, `molotov merge`) and checks
the merged totals against nginx's access log, host by host.

Skips (exit 77, reason printed) where network namespaces cannot be made."""
import contextlib
import ctypes
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SKIP = 77
CLONE_NEWNET = 0x40000000
SUBNET = "10.77.0"
SERVER = f"{SUBNET}.1"
HOSTS = 3

COUNT = harness.GET_ROOT

_libc = ctypes.CDLL(None, use_errno=True)


def ip(*args, ns=None):
    argv = ["ip"] + (["netns", "exec", ns, "ip"] if ns else []) + list(args)
    subprocess.run(argv, check=True, capture_output=True, text=True)


@contextlib.contextmanager
def inside(ns):
    """This thread (and what it starts) in network namespace ns."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        yield
    finally:
        _libc.setns(own, CLONE_NEWNET)
        os.close(own)
        os.close(target)


class Network:
    """A server namespace holding a bridge at SERVER, and HOSTS load
    namespaces with a veth each on that bridge."""

    def __init__(self):
        tag = uuid.uuid4().hex[:6]
        self.server = f"mt-{tag}-srv"
        self.hosts = [f"mt-{tag}-h{i}" for i in range(HOSTS)]
        self.made = []

    def make(self):
        ip("netns", "add", self.server)
        self.made.append(self.server)
        ip("link", "set", "lo", "up", ns=self.server)
        ip("link", "add", "br0", "type", "bridge", ns=self.server)
        ip("addr", "add", f"{SERVER}/24", "dev", "br0", ns=self.server)
        ip("link", "set", "br0", "up", ns=self.server)
        for i, h in enumerate(self.hosts):
            ip("netns", "add", h)
            self.made.append(h)
            ip("link", "set", "lo", "up", ns=h)
            ip("link", "add", "eth0", "type", "veth", "peer", "name", f"v{i}", ns=h)
            ip("link", "set", f"v{i}", "netns", self.server, ns=h)
            ip("addr", "add", f"{self.address(i)}/24", "dev", "eth0", ns=h)
            ip("link", "set", "eth0", "up", ns=h)
            ip("link", "set", f"v{i}", "master", "br0", ns=self.server)
            ip("link", "set", f"v{i}", "up", ns=self.server)

    @staticmethod
    def address(i):
        return f"{SUBNET}.{10 + i}"

    def remove(self):
        for ns in reversed(self.made):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def can_make_namespaces():
    """None, or why not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"mt-probe-{uuid.uuid4().hex[:6]}"
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if r.returncode != 0:
        return f"'ip netns add' failed: {r.stderr.strip() or r.returncode}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


class ManyMachines(unittest.TestCase):
    def setUp(self):
        self.net = Network()
        self.addCleanup(self.net.remove)
        self.net.make()
        self.dir = tempfile.mkdtemp(prefix="molotov-multihost-")

    def test_readme_steps_three_hosts_merged_equal_the_access_log(self):
        with inside(self.net.server):
            ng = harness.Nginx(host=SERVER)
            ng.start()
        self.addCleanup(ng.stop)
        # 1. one test and one config, the same on every machine
        with open(os.path.join(self.dir, "loadtest.lua"), "w") as f:
            f.write(COUNT)
        with open(os.path.join(self.dir, "molotov.json"), "w") as f:
            json.dump({"molotov": {"env": {"TARGET": ng.url}, "tests": {
                "big": {"scenario": "loadtest.lua", "workers": 3, "duration": 3}}}}, f)
        # 2. a start time every host will reach
        start = int(time.time()) + 3
        # 3. on every load host, the same command
        runs = []
        for i, h in enumerate(self.net.hosts):
            argv = ["ip", "netns", "exec", h, harness.molotov_bin(), "-q", "--config",
                    "molotov.json", "big", "--start-at", str(start), "--json",
                    f"report-host{i}.json"]
            env = dict(os.environ)
            env.pop("TARGET", None)
            runs.append(subprocess.Popen(argv, cwd=self.dir, env=env, stderr=subprocess.PIPE,
                                         text=True))
        for p in runs:
            _, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, err)
        # 4. the reports in one place, merged
        reports = sorted(glob.glob(os.path.join(self.dir, "report-*.json")))
        self.assertEqual(len(reports), HOSTS)
        res = harness.run_molotov(["merge", *reports, "--json", "merged.json", "--html",
                                   "merged.html", "--threshold", "failure_rate<1%"],
                                  cwd=self.dir)
        self.assertEqual(res.rc, 0, res)
        with open(os.path.join(self.dir, "merged.json")) as f:
            merged = json.load(f)

        log = ng.entries(path="/")
        self.assertEqual(merged["totals"]["requests"], len(log))
        self.assertEqual(merged["totals"]["failures"], 0)
        self.assertGreater(len(log), HOSTS * 10)
        by_host = {}
        for e in log:
            by_host[e["remote_addr"]] = by_host.get(e["remote_addr"], 0) + 1
        for i in range(HOSTS):
            with open(os.path.join(self.dir, f"report-host{i}.json")) as f:
                rep = json.load(f)
            # each host's report is what the server saw from its address
            self.assertEqual(by_host.get(self.net.address(i)), rep["totals"]["requests"])
            self.assertTrue(rep["started_at"].startswith(
                time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start))), rep["started_at"])
        self.assertEqual(merged["processes"], HOSTS)
        self.assertIn("<svg", open(os.path.join(self.dir, "merged.html")).read())


if __name__ == "__main__":
    why = can_make_namespaces()
    if why:
        print(f"SKIP: {why}", flush=True)
        sys.exit(SKIP)
    harness.main()
