"""The Kubernetes files (issues 7 and 18), checked without a cluster: the
manifests deploy/kubernetes/run.sh renders for a run parse and agree (Indexed
Job with backoffLimitPerIndex, per-run names, labels and report directory,
non-root pods, no "quiet"), kubectl decodes them into its own types without
dropping a field (offline: `kubectl set image --local`), and `kubectl apply
--dry-run=client` takes each one as a create, against tests/server/
kube_discovery.py (a stand-in for an API server's discovery only: it knows
the manifests' kinds, serves Kubernetes 1.13's real OpenAPI schema for
kubectl's validation and accepts nothing); a broken copy of a manifest (a
kind, an apiVersion, a field or a type kubectl cannot know) fails. Then their
commands run here as the pods would: three load pods against nginx, one of
them failing a threshold (exit 99), beside an older run's reports, then the
merge Job, which lists the exit codes and merges only this run, counted in the
access log. The README's sequence is run.sh's. The Containerfile installs a
package for every library the molotov binary needs (test_container.py builds
and runs the image itself)."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.source_dir()
K8S = ROOT / "deploy" / "kubernetes"
RUN_SH = K8S / "run.sh"
RUN_ID = "t-" + str(os.getpid())


def render(kind, run_id=RUN_ID, **env):
    """run.sh render KIND: the manifest's text, as `run.sh start|merge|fetch`
    apply it."""
    res = subprocess.run([str(RUN_SH), "render", kind, run_id], capture_output=True, text=True,
                         env=dict(os.environ, **env), check=True)
    return res.stdout


def rendered(**env):
    """{(kind, name): document} of what a run applies: configmap.yaml and
    pvc.yaml as they are, the rest rendered by run.sh."""
    texts = [(K8S / "configmap.yaml").read_text(), (K8S / "pvc.yaml").read_text()]
    texts += [render(k, **env) for k in ("job", "merge", "fetch")]
    docs = {}
    for text in texts:
        for doc in yaml.safe_load_all(text):
            if doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs, texts


def pod_spec(obj):
    return obj["spec"]["template"]["spec"] if obj["kind"] == "Job" else obj["spec"]


def container(job):
    spec = pod_spec(job)
    return spec, spec["containers"][0]


def mounts(job):
    """{mountPath: volume source} of the job's container."""
    spec, c = container(job)
    volumes = {v["name"]: v for v in spec["volumes"]}
    return {m["mountPath"]: volumes[m["name"]] for m in c["volumeMounts"]}


# Fields newer than some kubectl (Debian bookworm's kubernetes-client is
# 1.20): the Kubernetes minor version that brought them
NEWER = {".spec.completionMode": 21, ".spec.backoffLimitPerIndex": 28}


def kubectl_minor():
    out = subprocess.run(["kubectl", "version", "--client", "-o", "json"], capture_output=True,
                         text=True).stdout
    return int(re.match(r"\d+", json.loads(out)["clientVersion"]["minor"]).group(0))


# Kubernetes 1.13's OpenAPI schema, a real one (kube-openapi's test data):
# scripts/install-deps.sh test takes it out of golang-k8s-kube-openapi-dev
SWAGGER = [ROOT / "tests" / "data" / "kube-openapi" / "swagger.json",
           Path("/usr/share/gocode/src/k8s.io/kube-openapi/pkg/schemaconv/testdata/swagger.json")]
SCHEMA_MINOR = 13


class KubeDiscovery:
    """tests/server/kube_discovery.py on a free loopback port, a kubeconfig
    naming it in a temp dir, and kubectl run against it."""

    def __init__(self, swagger=None):
        self.tmp = tempfile.mkdtemp(prefix="molotov-kube-")
        self.log_path = os.path.join(self.tmp, "requests.log")
        args = [sys.executable, str(ROOT / "tests" / "server" / "kube_discovery.py")]
        args += ["--swagger", str(swagger)] if swagger else []
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.proc.stdout.readline()  # once it listens (the schema encoded)
        m = re.match(r"listening on (\d+)$", line.strip())
        if not m:
            self.close()
            raise RuntimeError(f"kube_discovery.py: {line!r}")
        self.kubeconfig = os.path.join(self.tmp, "kubeconfig")
        with open(self.kubeconfig, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: discovery
  cluster: {{server: "http://127.0.0.1:{m.group(1)}"}}
contexts:
- name: discovery
  context: {{cluster: discovery, namespace: default, user: nobody}}
current-context: discovery
users:
- name: nobody
  user: {{}}
""")

    def kubectl(self, args, text):
        """kubectl ARGS -f - on text, with its own kubeconfig and cache."""
        return subprocess.run(["kubectl", "--kubeconfig", self.kubeconfig, "--cache-dir",
                               os.path.join(self.tmp, "cache")] + args + ["-f", "-"],
                              input=text, capture_output=True, text=True, timeout=60)

    def requests(self):
        with open(self.log_path) as f:
            return re.findall(r'"(\w+) (\S+) HTTP/1\.1" (\d+)', f.read())

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        shutil.rmtree(self.tmp, True)


def validate_flag():
    """Schema validation on: --validate=strict since kubectl 1.25 (its true
    only warns where the server would check), true before."""
    return "--validate=strict" if kubectl_minor() >= 25 else "--validate=true"


def created(doc):
    """What kubectl apply --dry-run=client prints for doc: job.batch/NAME ..."""
    group = doc["apiVersion"].split("/")[0] if "/" in doc["apiVersion"] else ""
    kind = doc["kind"].lower() + ("." + group if group else "")
    return f"{kind}/{doc['metadata']['name']} created (dry run)\n"


def broken(text, old, new):
    """text with old replaced by new, once: a broken copy of a manifest."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


class Manifests(unittest.TestCase):
    def setUp(self):
        self.docs, self.texts = rendered()
        self.load = self.docs[("Job", f"molotov-load-{RUN_ID}")]
        self.merge = self.docs[("Job", f"molotov-merge-{RUN_ID}")]
        self.fetch = self.docs[("Pod", f"molotov-fetch-{RUN_ID}")]

    def test_the_manifests_agree(self):
        self.assertEqual(self.load["apiVersion"], "batch/v1")
        spec = self.load["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["completions"], spec["parallelism"])
        self.assertEqual(spec["completions"], 3)  # run.sh's default PODS
        # a failed pod is not retried and stops no other (no backoffLimit: 0)
        self.assertEqual(spec["backoffLimitPerIndex"], 0)
        self.assertNotIn("backoffLimit", spec)
        for obj in (self.load, self.merge, self.fetch):
            self.assertEqual(obj["metadata"]["labels"]["molotov-run"], RUN_ID)
            pod, c = container(obj)
            self.assertEqual(pod["restartPolicy"], "Never")
            self.assertTrue(pod["securityContext"]["runAsNonRoot"])
            self.assertEqual(c["image"], "molotov:latest")  # the README's build -t
        for job in (self.load, self.merge):
            self.assertEqual(job["spec"]["template"]["metadata"]["labels"]["molotov-run"],
                             RUN_ID)
            self.assertEqual(pod_spec(job)["securityContext"]["fsGroup"], 10001)
        m = mounts(self.load)
        cm = self.docs[("ConfigMap", m["/test"]["configMap"]["name"])]
        self.assertIn("loadtest.lua", cm["data"])
        claim = m["/reports"]["persistentVolumeClaim"]["claimName"]
        pvc = self.docs[("PersistentVolumeClaim", claim)]
        self.assertIn("ReadWriteMany", pvc["spec"]["accessModes"])
        for obj in (self.merge, self.fetch):
            self.assertEqual(mounts(obj)["/reports"]["persistentVolumeClaim"]["claimName"],
                             claim)
        env = {e["name"]: e["value"] for e in container(self.load)[1]["env"]}
        tests = json.loads(cm["data"]["molotov.json"])["molotov"]["tests"]
        self.assertIn(env["TEST"], tests)
        self.assertEqual(env["RUN_ID"], RUN_ID)
        self.assertRegex(env["START_AT"], r"^\d+$")
        self.assertGreater(int(env["START_AT"]), time.time() + 60)  # START_IN, 120 s
        for name, test in tests.items():  # the pods' logs show the live line
            self.assertNotIn("quiet", test, name)
        cmd = container(self.load)[1]["args"][0]
        for needle in ("--config /test/molotov.json", f'out="/reports/{RUN_ID}"',
                       '--json "$out/report-$JOB_COMPLETION_INDEX.json"',
                       'echo "$rc" > "$out/exit-$JOB_COMPLETION_INDEX"'):
            self.assertIn(needle, cmd)
        self.assertIn("molotov merge report-*.json", container(self.merge)[1]["args"][0])
        self.assertIn(f'cd "/reports/{RUN_ID}"', container(self.merge)[1]["args"][0])

    def test_a_bad_run_id_is_refused(self):
        for bad in ("", "Big", "a_b", "x" * 41, "-a"):
            res = subprocess.run([str(RUN_SH), "render", "job", bad], capture_output=True,
                                 text=True)
            self.assertEqual(res.returncode, 2, bad)
            self.assertIn("RUN_ID", res.stderr)

    def test_kubectl_decodes_every_field(self):
        """kubectl's own types, offline: a field it does not know is dropped by
        the round trip, so every field of the Jobs and the Pod must come back."""
        if not shutil.which("kubectl"):
            self.skipTest("no kubectl (scripts/install-deps.sh test installs it)")
        for obj in (self.load, self.merge, self.fetch):
            name = container(obj)[1]["name"]
            res = subprocess.run(["kubectl", "set", "image", "--local", "-f", "-", "-o", "json",
                                  f"{name}=molotov:round-trip"], input=json.dumps(obj),
                                 capture_output=True, text=True)
            self.assertEqual(res.returncode, 0, res.stderr)
            lost = [f for f in missing(obj, json.loads(res.stdout))
                    if NEWER.get(f, 0) <= kubectl_minor()]
            self.assertEqual(lost, [], f"{obj['metadata']['name']}: fields kubectl "
                             f"1.{kubectl_minor()} does not know")

    def test_the_readme_sequence_is_run_sh(self):
        readme = (ROOT / "README.md").read_text()
        block = readme.split("<!-- kubernetes-sequence -->", 2)[1]
        lines = [ln.split("#")[0].strip() for ln in block.split("```sh", 1)[1]
                 .split("```", 1)[0].splitlines()]
        cmds = [ln for ln in lines if "deploy/kubernetes/run.sh" in ln]
        subs = [re.search(r"run\.sh (\w+)", c).group(1) for c in cmds]
        self.assertEqual(subs, ["start", "wait", "merge", "fetch", "clean", "start"])
        usage = subprocess.run([str(RUN_SH)], capture_output=True, text=True)
        for s in subs:
            self.assertIn(f"run.sh {s} ", usage.stderr)
        for c in cmds[1:5]:
            self.assertIn('"$RUN_ID"', c)
        for c in (cmds[0], cmds[-1]):  # start prints RUN_ID=..., and only that, on stdout
            self.assertEqual(c, 'eval "$(deploy/kubernetes/run.sh start)"')

    def test_the_pods_commands_run_and_merge_to_the_access_log(self):
        tmp = tempfile.mkdtemp(prefix="molotov-k8s-")
        self.addCleanup(shutil.rmtree, tmp, True)
        test_dir, reports = os.path.join(tmp, "test"), os.path.join(tmp, "reports")
        os.makedirs(test_dir)
        cm = self.docs[("ConfigMap", "molotov-test")]
        for name, text in cm["data"].items():
            with open(os.path.join(test_dir, name), "w") as f:
                f.write(text)
        # a third pod's test: the first two's, with a threshold that fails
        cfg = json.loads(cm["data"]["molotov.json"])
        cfg["molotov"]["tests"]["strict"] = dict(cfg["molotov"]["tests"]["smoke"],
                                                 threshold=["p99<1us"])
        with open(os.path.join(test_dir, "molotov.json"), "w") as f:
            json.dump(cfg, f)
        # an older run's reports on the volume: never merged with this one
        old = os.path.join(reports, "older-run")
        os.makedirs(old)

        def shell(job, env):
            """The job's container command, its env and env over it, here."""
            c = container(job)[1]
            script = c["args"][0].replace("/test/", test_dir + "/").replace(
                "/reports/", reports + "/")
            path = os.path.dirname(harness.molotov_bin()) + ":" + os.environ["PATH"]
            full = dict(os.environ, PATH=path)
            full.update({e["name"]: e["value"] for e in c.get("env", [])}, **env)
            return subprocess.Popen(c["command"] + [script],
                                    cwd=c.get("workingDir", tmp).replace("/test", test_dir),
                                    env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)

        with harness.Nginx() as ng:
            res = harness.run_molotov(["--single-run", "--json", os.path.join(old, "report-0.json"),
                                       os.path.join(test_dir, "loadtest.lua")],
                                      env={"TARGET": ng.url})
            self.assertEqual(res.rc, 0, res)
            older = ng.wait_for_count(2)
            start_at = str(int(time.time()) + 1)
            docs, _ = rendered(TARGET=ng.url, TEST="smoke", START_AT=start_at)
            load = docs[("Job", f"molotov-load-{RUN_ID}")]
            strict, _ = rendered(TARGET=ng.url, TEST="strict", START_AT=start_at)
            pods = [shell(strict[("Job", f"molotov-load-{RUN_ID}")] if i == 2 else load,
                          {"JOB_COMPLETION_INDEX": str(i)})
                    for i in range(load["spec"]["completions"])]
            codes = []
            for p in pods:
                out, err = p.communicate(timeout=60)
                codes.append(p.returncode)
                self.assertIn("SUCCESSES:", out, err)  # the summary in the pod's log
            # nginx logs a request after answering it: wait for the lines
            served = ng.wait_for_count(older + 2 * len(pods)) - older
        self.assertEqual(codes, [0, 0, 99])
        run_dir = os.path.join(reports, RUN_ID)
        self.assertEqual(len(glob.glob(os.path.join(run_dir, "report-*.json"))), len(pods))
        for i, code in enumerate(codes):
            with open(os.path.join(run_dir, f"exit-{i}")) as f:
                self.assertEqual(f.read().strip(), str(code))
        p = shell(docs[("Job", f"molotov-merge-{RUN_ID}")], {})
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 99, out + err)  # the strict pod's threshold, on the whole
        self.assertIn("pod 0: exit 0\npod 1: exit 0\npod 2: exit 99\n", out)
        self.assertIn(f"run {RUN_ID}: {run_dir}/merged.html (merge exit 99)", out)
        with open(os.path.join(run_dir, "merged.json")) as f:
            merged = json.load(f)
        self.assertEqual(merged["totals"]["requests"], served)
        self.assertEqual(merged["totals"]["successes"], 2 * len(pods))  # two scenarios each
        self.assertEqual(merged["processes"], len(pods))
        self.assertTrue(os.path.exists(os.path.join(run_dir, "merged.html")))


class DryRun(unittest.TestCase):
    """kubectl apply --dry-run=client on what a run applies, against
    kube_discovery.py (discovery, 404 for every object, Kubernetes 1.13's
    schema)."""

    @classmethod
    def setUpClass(cls):
        if not shutil.which("kubectl"):
            raise unittest.SkipTest("no kubectl (scripts/install-deps.sh test installs it)")
        cls.swagger = next((p for p in SWAGGER if p.is_file()), None)
        cls.api = KubeDiscovery(cls.swagger)
        cls.docs, cls.texts = rendered()

    @classmethod
    def tearDownClass(cls):
        cls.api.close()

    def need_schema(self):
        if not self.swagger:
            self.skipTest("no Kubernetes swagger.json (scripts/install-deps.sh test takes it "
                          "out of golang-k8s-kube-openapi-dev)")

    def doc(self, text):
        return next(d for d in yaml.safe_load_all(text) if d)

    def test_every_manifest_is_a_create(self):
        for text in self.texts:
            doc = self.doc(text)
            res = self.api.kubectl(["apply", "--dry-run=client", "--validate=false"], text)
            self.assertEqual((res.returncode, res.stdout), (0, created(doc)), res.stderr)
            # apply asked for the live object (404: a create) and sent nothing
            name = doc["metadata"]["name"]
            gets = [r for r in self.api.requests() if r[1].endswith("/" + name)]
            self.assertIn("404", [code for _, _, code in gets], name)
        self.assertEqual({m for m, _, _ in self.api.requests()}, {"GET"})

    def test_kubectl_validates_them_against_kubernetes_1_13s_schema(self):
        """Every field the manifests use is in the schema, but the load Job's
        two newer than 1.13 (NEWER): the only errors, both named."""
        self.need_schema()
        newer = sorted(p.rsplit(".", 1)[1] for p, v in NEWER.items() if v > SCHEMA_MINOR)
        for text in self.texts:
            doc = self.doc(text)
            res = self.api.kubectl(["apply", "--dry-run=client", validate_flag()], text)
            if doc["metadata"]["name"] != f"molotov-load-{RUN_ID}":
                self.assertEqual((res.returncode, res.stdout), (0, created(doc)), res.stderr)
                continue
            self.assertNotEqual(res.returncode, 0)
            unknown = re.findall(r'unknown field "(\w+)" in io\.k8s\.api\.batch\.v1\.JobSpec',
                                 res.stderr)
            self.assertEqual(sorted(unknown), newer, res.stderr)
            self.assertEqual(res.stderr.count("ValidationError("), len(newer), res.stderr)

    def test_an_unknown_kind_or_apiversion_fails(self):
        pvc, load, fetch = self.texts[1], self.texts[2], self.texts[4]
        no_schema = ["apply", "--dry-run=client", "--validate=false"]
        cases = [(broken(pvc, "kind: PersistentVolumeClaim", "kind: PersistentVolumeClam"),
                  'no matches for kind "PersistentVolumeClam" in version "v1"'),
                 (broken(load, "apiVersion: batch/v1", "apiVersion: batch/v2"),
                  'no matches for kind "Job" in version "batch/v2"'),
                 (broken(fetch, "apiVersion: v1", "apiVersion: apps/v1"),
                  'no matches for kind "Pod" in version "apps/v1"')]
        for text, error in cases:
            res = self.api.kubectl(no_schema, text)
            self.assertNotEqual(res.returncode, 0, error)
            self.assertIn(error, res.stderr)
            self.assertEqual(res.stdout, "")

    def test_an_unknown_field_or_type_fails(self):
        self.need_schema()
        merge, fetch = self.texts[3], self.texts[4]
        cases = [(broken(fetch, "restartPolicy:", "restartPolicyy:"),
                  'unknown field "restartPolicyy" in io.k8s.api.core.v1.PodSpec'),
                 (broken(merge, "backoffLimit: 0", 'backoffLimit: "0"'),
                  "invalid type for io.k8s.api.batch.v1.JobSpec.backoffLimit: got \"string\", "
                  "expected \"integer\"")]
        for text, error in cases:
            res = self.api.kubectl(["apply", "--dry-run=client", validate_flag()], text)
            self.assertNotEqual(res.returncode, 0, error)
            self.assertIn(error, res.stderr)

    def test_the_stand_in_accepts_nothing(self):
        """Without --dry-run, kubectl's create is refused: no cluster here."""
        res = self.api.kubectl(["apply", "--validate=false"], self.texts[1])
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Error from server (MethodNotAllowed)", res.stderr)
        self.assertIn(("POST", "/api/v1/namespaces/default/persistentvolumeclaims"),
                      [(m, p.split("?")[0]) for m, p, _ in self.api.requests()])


def missing(sent, got, path=""):
    """The paths of sent's fields that got lacks."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [path]
        out = []
        for k, v in sent.items():
            out += missing(v, got[k], f"{path}.{k}") if k in got else [f"{path}.{k}"]
        return out
    if isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            return [path]
        return [m for i, v in enumerate(sent) for m in missing(v, got[i], f"{path}[{i}]")]
    return []


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
