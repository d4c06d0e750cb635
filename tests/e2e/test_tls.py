"""TLS and secrets (issue 8), end to end against nginx with a certificate
from a CA made for the test: verification is on by default and its failure
names the certificate problem; --cacert and --insecure; HTTP/2 over TLS
(seen as HTTP/2.0 in nginx's log); Authorization, Cookie and Set-Cookie
values and Bearer tokens never reach -vv, the summary or any report."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

GET = harness.GET_ROOT

SECRETS = """
local T = os.getenv("TARGET")
molotov.setup(function(wid, args)
  return { headers = { Authorization = "Bearer tok-SECRET-1" },
           cookies = { sid = "ck-SECRET-2" } }
end)
molotov.scenario("leaky", 1, function(s)
  local r = s:get(T .. "/")
  error("rejected with Authorization: Bearer tok-SECRET-1 and Cookie: sid=ck-SECRET-2")
end)
"""


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(d):
    """ca.pem, and server.pem / server.key for 127.0.0.1 signed by it."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=molotov test CA", "-keyout", "ca.key", "-out", "ca.pem", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
            "server.key", "-out", "server.csr", cwd=d)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem",
            cwd=d)
    return tuple(os.path.join(d, n) for n in ("ca.pem", "server.pem", "server.key"))


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="molotov-tls-")
        cls.ca, cert, key = make_certificates(cls.dir)
        cls.ng = harness.Nginx(tls=(cert, key))
        cls.ng.start()

    @classmethod
    def tearDownClass(cls):
        cls.ng.stop()

    def run_get(self, *args):
        return harness.run_molotov(["--single-run", *args], scenario_text=GET,
                                   env={"TARGET": self.ng.url})

    def test_verification_is_on_and_names_the_problem(self):
        before = self.ng.count(path="/")
        res = self.run_get()
        self.assertEqual(res.rc, 1, res)
        self.assertIn(f"tls error: {self.ng.url}/ (SSL certificate problem: unable to get "
                      "local issuer certificate)", res.stdout)
        self.assertEqual(self.ng.count(path="/"), before)  # no request got through

    def test_cacert_and_insecure(self):
        before = self.ng.count(path="/")
        res = self.run_get("--cacert", self.ca)
        self.assertEqual(res.rc, 0, res)
        res = self.run_get("--insecure")
        self.assertEqual(res.rc, 0, res)
        log = self.ng.entries(path="/")[before:]
        self.assertEqual([e["protocol"] for e in log], ["HTTP/1.1", "HTTP/1.1"])

    def test_http2_over_tls(self):
        before = self.ng.count(path="/")
        res = self.run_get("--cacert", self.ca, "--http2")
        self.assertEqual(res.rc, 0, res)
        log = self.ng.entries(path="/")[before:]
        self.assertEqual([e["protocol"] for e in log], ["HTTP/2.0"])

    def test_a_bad_cacert_is_a_usage_error(self):
        res = self.run_get("--cacert", os.path.join(self.dir, "missing.pem"))
        self.assertEqual(res.rc, 2, res)
        self.assertIn("--cacert: cannot read", res.stderr)

    def test_secrets_stay_out_of_output_and_reports(self):
        reports = {k: os.path.join(self.dir, f"secrets.{k}") for k in ("json", "html", "xml")}
        res = harness.run_molotov(["--single-run", "--cacert", self.ca, "-vv",
                                   "--json", reports["json"], "--html", reports["html"],
                                   "--junit", reports["xml"]], scenario_text=SECRETS,
                                  env={"TARGET": self.ng.url})
        self.assertEqual(res.rc, 1, res)
        self.assertIn("rejected with Authorization: ***", res.stdout)
        texts = {"stdout": res.stdout, "stderr (-vv)": res.stderr}
        for k, p in reports.items():
            with open(p) as f:
                texts[k] = f.read()
        self.assertIn("authorization", res.stderr.lower())  # -vv shows the header, masked
        for where, text in texts.items():
            for secret in ("tok-SECRET-1", "ck-SECRET-2"):
                self.assertNotIn(secret, text, where)


if __name__ == "__main__":
    harness.main()
