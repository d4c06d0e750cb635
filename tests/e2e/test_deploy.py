"""The container and Kubernetes files (issue 7), checked without a cluster or
a container engine: the manifests in deploy/kubernetes parse and agree with
each other (Indexed Job, volumes, names), their commands run here as the pods
would run them (three load pods against nginx, then the merge Job, counted in
the access log), and the Containerfile installs a package for every library
the molotov binary needs."""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.source_dir()
K8S = ROOT / "deploy" / "kubernetes"


def manifests(start_at):
    """{(kind, name): document} of every YAML file, START_AT filled in as
    the README's envsubst does."""
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        text = path.read_text().replace("${START_AT}", str(start_at))
        for doc in yaml.safe_load_all(text):
            if doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def container(job):
    spec = job["spec"]["template"]["spec"]
    return spec, spec["containers"][0]


def mounts(job):
    """{mountPath: volume source} of the job's container."""
    spec, c = container(job)
    volumes = {v["name"]: v for v in spec["volumes"]}
    return {m["mountPath"]: volumes[m["name"]] for m in c["volumeMounts"]}


class Manifests(unittest.TestCase):
    def setUp(self):
        self.docs = manifests(int(time.time()) + 2)
        self.load = self.docs[("Job", "molotov-load")]
        self.merge = self.docs[("Job", "molotov-merge")]

    def test_the_manifests_agree(self):
        self.assertEqual(self.load["apiVersion"], "batch/v1")
        spec = self.load["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["completions"], spec["parallelism"])
        self.assertGreaterEqual(spec["completions"], 2)
        for job in (self.load, self.merge):
            pod, c = container(job)
            self.assertEqual(pod["restartPolicy"], "Never")
            self.assertEqual(c["image"], "molotov:latest")  # the README's docker build -t
        m = mounts(self.load)
        cm = self.docs[("ConfigMap", m["/test"]["configMap"]["name"])]
        self.assertIn("molotov.json", cm["data"])
        self.assertIn("loadtest.lua", cm["data"])
        claim = m["/reports"]["persistentVolumeClaim"]["claimName"]
        pvc = self.docs[("PersistentVolumeClaim", claim)]
        self.assertIn("ReadWriteMany", pvc["spec"]["accessModes"])
        self.assertEqual(mounts(self.merge)["/reports"]["persistentVolumeClaim"]["claimName"],
                         claim)
        env = {e["name"]: e["value"] for e in container(self.load)[1]["env"]}
        tests = json.loads(cm["data"]["molotov.json"])["molotov"]["tests"]
        self.assertIn(env["TEST"], tests)
        self.assertRegex(env["START_AT"], r"^\d+$")
        cmd = container(self.load)[1]["args"][0]
        for needle in ("--config /test/molotov.json", '--start-at "$START_AT"',
                       '/reports/report-$JOB_COMPLETION_INDEX.json'):
            self.assertIn(needle, cmd)
        self.assertIn("molotov merge /reports/report-*.json", container(self.merge)[1]["args"][0])

    def test_the_pods_commands_run_and_merge_to_the_access_log(self):
        tmp = tempfile.mkdtemp(prefix="molotov-k8s-")
        test_dir, reports = os.path.join(tmp, "test"), os.path.join(tmp, "reports")
        os.makedirs(test_dir)
        os.makedirs(reports)
        cm = self.docs[("ConfigMap", "molotov-test")]
        for name, text in cm["data"].items():
            with open(os.path.join(test_dir, name), "w") as f:
                f.write(text)

        def shell(c, env):
            script = c["args"][0].replace("/test/", test_dir + "/").replace(
                "/reports/", reports + "/")
            path = os.path.dirname(harness.molotov_bin()) + ":" + os.environ["PATH"]
            return subprocess.Popen(c["command"] + [script], cwd=c.get("workingDir", tmp)
                                    .replace("/test", test_dir),
                                    env=dict(os.environ, PATH=path, **env),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        with harness.Nginx() as ng:
            _, c = container(self.load)
            env = {e["name"]: e["value"] for e in c["env"]}
            env.update(TEST="smoke", TARGET=ng.url)  # the smoke test: one run each
            pods = [shell(c, dict(env, JOB_COMPLETION_INDEX=str(i)))
                    for i in range(self.load["spec"]["completions"])]
            for p in pods:
                out, err = p.communicate(timeout=60)
                self.assertEqual(p.returncode, 0, out + err)
            # nginx logs a request after answering it: wait for the lines
            served = ng.wait_for_count(2 * len(pods))  # two scenarios, one request each
        self.assertEqual(len(glob.glob(os.path.join(reports, "report-*.json"))), len(pods))
        _, c = container(self.merge)
        p = shell(c, {})
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, out + err)
        with open(os.path.join(reports, "merged.json")) as f:
            merged = json.load(f)
        self.assertEqual(merged["totals"]["requests"], served)
        self.assertEqual(merged["totals"]["successes"], 2 * len(pods))  # two scenarios each
        self.assertEqual(merged["processes"], len(pods))
        self.assertTrue(os.path.exists(os.path.join(reports, "merged.html")))


class Containerfile(unittest.TestCase):
    def stage_packages(self, text):
        """The apt-get install package lists of each FROM stage."""
        stages = re.split(r"^FROM ", text, flags=re.M)[1:]
        out = []
        for st in stages:
            m = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", st, re.S)
            out.append(set(m.group(1).replace("\\", " ").split()) if m else set())
        return out

    def test_every_library_molotov_needs_is_installed(self):
        text = (ROOT / "Containerfile").read_text()
        self.assertRegex(text, r"FROM debian:bookworm")
        build, runtime = self.stage_packages(text)
        for dev in ("libcurl4-openssl-dev", "libuv1-dev", "liblua5.4-dev", "libcjson-dev",
                    "cmake", "pkg-config"):
            self.assertIn(dev, build)
        needed = subprocess.run(["readelf", "-d", harness.molotov_bin()], capture_output=True,
                                text=True, check=True).stdout
        for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", needed):
            path = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True,
                                  text=True).stdout
            m = re.search(rf"\s{re.escape(lib)} .*=> (\S+)", path)
            self.assertTrue(m, lib)
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(m.group(1))],
                                   capture_output=True, text=True)
            if owner.returncode != 0:
                owner = subprocess.run(["dpkg", "-S", m.group(1)], capture_output=True, text=True)
            pkg = owner.stdout.split(":")[0]
            if pkg in ("libc6", "libgcc-s1"):  # in every Debian image
                continue
            if pkg.startswith(("libasan", "libubsan")):  # the sanitizer build of the tests
                continue
            self.assertIn(pkg, runtime, f"{lib} comes from {pkg}")
        self.assertIn("COPY --from=build /src/build/molotov /usr/local/bin/molotov", text)


if __name__ == "__main__":
    harness.main()
