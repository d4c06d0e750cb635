"""The two transports side by side (issue 17): the same scenarios sent with
--engine curl and --engine native must look the same to the servers and to
the scripts. Against httpbin, every answer a script sees (status, reason,
headers but Date, body, size, truncation, URL, history, cookies, errors) is
compared whole; against nginx, the requests it logged (line, headers,
lengths). Then what only the native path has to get right on its own:
connections kept alive and dropped, a dead kept-alive connection retried
once, -v naming each request's engine, --engine native's refusals, and a
redirect from http to https handed to libcurl."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_tls import make_certificates  # noqa: E402

ENGINES = ("curl", "native")

# Each answer is written to $OUT, one JSON object per line, in request order.
TOUR = r"""
local T = os.getenv("TARGET")
local OUT = assert(io.open(os.getenv("OUT"), "w"))
local json = molotov.json

local function sum(s)  -- a checksum of a binary body (JSON holds text only)
  local n = 0
  for i = 1, #s do n = (n * 31 + s:byte(i)) % 4294967296 end
  return n
end

local function keep(name, ok, r, binary)
  local rec = { name = name }
  if not ok then
    rec.error = tostring(r):gsub("^.-:%d+: ", "")
  else
    local h = {}
    for k, v in pairs(r.headers) do if k ~= "date" then h[k] = v end end
    rec.status, rec.reason, rec.headers, rec.url = r.status, r.reason, h, r.url
    rec.size, rec.truncated, rec.history, rec.cookies = r.size, r.truncated, r.history, r.cookies
    rec.length, rec.sum = #r.body, sum(r.body)
    if not binary then rec.body = r.body end
    rec.set_cookie = r:header_list("set-cookie")
  end
  OUT:write(json.encode(rec), "\n")
end

molotov.scenario("tour", 1, function(s)
  local function go(name, method, path, opts, binary)
    local ok, r = pcall(s.request, s, method, T .. path, opts)
    keep(name, ok, r, binary)
  end
  go("get", "GET", "/get?x=1", { params = { y = "2 3" }, headers = { ["X-Test"] = "a" } })
  go("anything", "GET", "/anything", { cookies = { c = "1" }, headers = { Accept = "text/x" } })
  go("json", "POST", "/post", { json = { a = { 1, "two", { b = true } } } })
  go("form", "POST", "/post", { form = { f = "v w&x" } })
  go("empty post", "POST", "/post")
  go("put", "PUT", "/put", { body = "plain" })
  go("patch", "PATCH", "/patch", { body = string.rep("x", 5000) })
  go("delete", "DELETE", "/delete")
  go("options", "OPTIONS", "/get")
  go("head", "HEAD", "/get")
  go("204", "GET", "/status/204")
  go("304", "GET", "/status/304")
  go("418", "GET", "/status/418")
  go("500", "POST", "/status/500", { body = "x" })
  go("redirects", "GET", "/redirect/3")
  go("absolute", "GET", "/absolute-redirect/2")
  go("307 keeps the body", "POST", "/redirect-to?url=/post&status_code=307", { body = "b" })
  go("303 drops it", "POST", "/redirect-to?url=/get&status_code=303", { body = "b" })
  go("not followed", "GET", "/redirect/1", { follow_redirects = false })
  go("too many", "GET", "/redirect/3", { max_redirects = 1 })
  go("set cookies", "GET", "/cookies/set?a=1&b=2")
  go("cookies", "GET", "/cookies")
  go("delete cookie", "GET", "/cookies/delete?a")
  go("auth", "GET", "/basic-auth/u/p", { auth = { "u", "p" } })
  go("no auth", "GET", "/basic-auth/u/p")
  go("gzip", "GET", "/gzip")
  go("deflate", "GET", "/deflate")
  go("gzip kept", "GET", "/gzip", { compress = false }, true)
  go("bytes", "GET", "/bytes/60000?seed=1", nil, true)
  go("truncated", "GET", "/bytes/102400?seed=2", nil, true)
  go("stream", "GET", "/stream/5")
  go("stream bytes", "GET", "/stream-bytes/30000?seed=3&chunk_size=1000", nil, true)
  go("repeated headers", "GET", "/response-headers?X-A=1&X-A=2")
  go("drip", "GET", "/drip?numbytes=50&duration=0.2&delay=0")
  go("timeout", "GET", "/delay/3", { timeout = 0.3 })
  go("dot segments", "GET", "/anything/a/../b/./c?d=./e")
  go("own host", "GET", "/headers", { headers = { Host = "example.test" } })
  go("a tiny timeout is not none", "GET", "/delay/1", { timeout = 0.0004 })
  local ok, r = pcall(s.get, s, T:gsub("://", "://u:p%%40@") .. "/basic-auth/u/p%40")
  keep("user:pass in the URL", ok, r)
  local jar = {}
  for _, c in ipairs(s.cookies) do jar[#jar + 1] = c.name .. "=" .. c.value .. "@" .. c.path end
  OUT:write(json.encode({ name = "jar", jar = jar }), "\n")
  OUT:close()
end)
"""

# What nginx logs of each request, tab-separated (nginx writes "-" for none).
HEADERS_LOG = ("$request\t$http_host\t$http_accept\t$http_user_agent\t$http_cookie\t"
               "$http_authorization\t$content_type\t$content_length\t$http_x_test\t"
               "$http_expect\t$http_accept_encoding\t$request_length")

TO_NGINX = r"""
local T = os.getenv("TARGET")
molotov.scenario("to nginx", 1, function(s)
  s:get(T .. "/?q=1", { headers = { ["X-Test"] = "t" }, cookies = { k = "v" } })
  s:post(T .. "/", { json = { a = 1 } })
  s:post(T .. "/", { form = { a = "b c" } })
  s:post(T .. "/")
  s:put(T .. "/", { body = string.rep("y", 3000) })
  s:get(T .. "/", { auth = { "user", "pw" }, headers = { Accept = "text/plain" } })
  s:get(T .. "/", { headers = { ["User-Agent"] = "mine", Accept = false } })
  s:delete(T .. "/")
  s:head(T .. "/")
  s:get(T .. "/", { compress = false })
end)
"""


def records(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def normalized(rec):
    """An answer, less what may differ: httpbin's echo of Accept-Encoding
    (each engine asks for what it decodes) and the lengths it changes, and
    the bytes of a gzip body made afresh (its header holds the time)."""
    rec = dict(rec)
    body = rec.get("body")
    if body and body.startswith("{"):
        docs = [json.loads(line) for line in body.splitlines()]
        for doc in docs:
            doc.get("headers", {}).pop("Accept-Encoding", None)
        rec["body"] = docs
        for k in ("length", "sum", "size"):
            rec.pop(k, None)
    if "headers" in rec:
        rec["headers"] = {k: v for k, v in rec["headers"].items() if k != "content-length"}
    if rec["name"] == "gzip kept":
        rec.pop("sum")
    return rec


class Parity(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.hb = harness.Httpbin()
        cls.hb.start()
        cls.dir = tempfile.mkdtemp(prefix="molotov-engines-")

    @classmethod
    def tearDownClass(cls):
        cls.hb.stop()

    def tour(self, engine):
        out = os.path.join(self.dir, f"{engine}.jsonl")
        res = harness.run_molotov(["--engine", engine, "--single-run", "--max-body", "100000"],
                                  scenario_text=TOUR, env={"TARGET": self.hb.url, "OUT": out},
                                  timeout=60)
        self.assertEqual(res.rc, 0, res)
        return records(out)

    def test_httpbin_answers_the_same_through_both(self):
        got = {e: self.tour(e) for e in ENGINES}
        self.assertEqual(len(got["curl"]), 40)
        self.assertEqual([r["name"] for r in got["curl"]], [r["name"] for r in got["native"]])
        for c, n in zip(got["curl"], got["native"]):
            with self.subTest(request=c["name"]):
                self.assertEqual(normalized(c), normalized(n))
        by = {r["name"]: r for r in got["native"]}
        # the tour checks what it means to: these must hold on either path
        self.assertEqual(by["truncated"]["length"], 100000)
        self.assertTrue(by["truncated"]["truncated"])
        self.assertEqual(by["truncated"]["size"], 102400)
        self.assertEqual(len(by["redirects"]["history"]), 3)
        self.assertEqual(json.loads(by["gzip"]["body"])["gzipped"], True)
        self.assertNotEqual(by["gzip kept"]["size"], 0)
        self.assertEqual(by["gzip kept"]["length"], by["gzip kept"]["size"])
        self.assertEqual(json.loads(by["cookies"]["body"])["cookies"], {"a": "1", "b": "2"})
        self.assertEqual(by["jar"]["jar"], ["b=2@/"])
        self.assertEqual(json.loads(by["307 keeps the body"]["body"])["data"], "b")
        self.assertRegex(by["timeout"]["error"], r"^timeout: http://")
        self.assertRegex(by["too many"]["error"], r"^too many redirects: ")
        self.assertEqual(by["head"]["length"], 0)
        self.assertEqual(by["304"]["status"], 304)
        self.assertEqual(by["dot segments"]["url"], self.hb.url + "/anything/b/c?d=./e")
        self.assertEqual(json.loads(by["own host"]["body"])["headers"]["Host"], "example.test")
        self.assertRegex(by["a tiny timeout is not none"]["error"], r"^timeout: ")
        self.assertEqual(by["user:pass in the URL"]["status"], 200)


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


class NginxSaw(unittest.TestCase):
    def test_requests_are_the_same_bytes_but_accept_encoding(self):
        ng = harness.Nginx()
        log = os.path.join(ng.dir, "headers.log")
        ng.http_extra = f"    log_format hdr '{HEADERS_LOG}';\n    access_log {log} hdr;"
        ng.start()
        self.addCleanup(ng.stop)
        seen = {}
        for engine in ENGINES:
            res = harness.run_molotov(["--engine", engine, "--single-run"], scenario_text=TO_NGINX,
                                      env={"TARGET": ng.url})
            self.assertEqual(res.rc, 0, res)
            want = 10 * (len(seen) + 1)
            harness.wait_until(lambda: len(read_lines(log)) >= want, 5, "the log")
            seen[engine] = [line.split("\t") for line in read_lines(log)[want - 10:want]]
        self.assertEqual(len(seen["native"]), 10, seen["native"])
        self.assertEqual(len(seen["curl"]), 10, seen["curl"])
        for c, n in zip(seen["curl"], seen["native"]):
            with self.subTest(request=c[0]):
                # all but Accept-Encoding and the length it adds to the request
                self.assertEqual(c[:10], n[:10])
                self.assertEqual(int(c[11]) - len(c[10]), int(n[11]) - len(n[10]))
        n = seen["native"]
        self.assertEqual(n[0][4], "k=v")
        self.assertEqual(n[5][5], "Basic dXNlcjpwdw==")
        self.assertEqual((n[6][2], n[6][3]), ("-", "mine"))
        self.assertEqual(n[4][7], "3000")
        self.assertTrue(all(r[9] == "-" for r in n), "Expect is never sent")
        self.assertEqual(n[0][10], "deflate, gzip")
        self.assertEqual(n[9][10], "-")


class KeptAlive(harness.NginxCase):
    nginx_options = {"keepalive_requests": 3,
                     "locations": "location = /idle { keepalive_timeout 1s; return 200 idle; }"}

    def test_connections_per_worker_and_server_closes(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("ten", 1, function(s)
  for i = 1, 10 do assert(s:get(T .. "/").status == 200) end
  assert(s:get(T .. "/idle").status == 200)
  molotov.sleep(1.5) -- nginx closes the idle connection meanwhile
  assert(s:get(T .. "/idle").status == 200)
end)
"""
        for engine in ENGINES:
            with self.subTest(engine=engine):
                before = len(self.web.access_log_lines())
                res = self.run_m(["--engine", engine, "--single-run", "-w", "2"], text)
                self.assertEqual(res.rc, 0, res)
                entries = self.web.access_log_lines()[before:]
                self.assertEqual(len(entries), 24)
                self.assertTrue(all(e["status"] == 200 for e in entries))
                conns = {}
                for e in entries:
                    conns.setdefault(e["connection"], []).append(e["connection_requests"])
                # nginx closes after 3 requests, each numbered 1, 2, 3 in order
                for reqs in conns.values():
                    self.assertEqual(reqs, list(range(1, len(reqs) + 1)))
                # native: 12 a worker over 5 connections of its own (the last /idle
                # on a new one); libcurl shares its connections between workers
                if engine == "native":
                    self.assertEqual(len(conns), 10, conns)


class DeadConnection(unittest.TestCase):
    def test_a_request_on_a_dead_kept_alive_connection_goes_again_once(self):
        server = os.path.join(harness.source_dir(), "tests", "server", "keepalive_drop.py")
        text = """
local T = os.getenv("TARGET")
molotov.scenario("three", 1, function(s)
  for i = 1, 3 do assert(s:get(T .. "/r" .. i).status == 200) end
end)
"""
        for engine in ENGINES:
            with self.subTest(engine=engine):
                p = subprocess.Popen([sys.executable, server], stdout=subprocess.PIPE, text=True)
                try:
                    port = int(p.stdout.readline().split()[-1])
                    url = f"http://127.0.0.1:{port}"
                    with tempfile.TemporaryDirectory() as d:
                        js = os.path.join(d, "r.json")
                        res = harness.run_molotov(["--engine", engine, "--single-run", "--json", js],
                                                  scenario_text=text, env={"TARGET": url})
                        self.assertEqual(res.rc, 0, res)
                        with open(js) as f:
                            totals = json.load(f)["totals"]
                    self.assertEqual((totals["requests"], totals["failed_requests"]), (3, 0))
                    got = harness._http_get(port, "/stats")
                    counts = json.loads(got[1])
                    # r1 on c1; r2 dropped on c1, then on c2; r3 dropped on c2, then on c3
                    self.assertEqual(counts, {"connections": 3, "requests": 5, "dropped": 2})
                finally:
                    p.kill()
                    p.wait()
                    p.stdout.close()


class Reuse(unittest.TestCase):
    """What a kept connection must not carry: an answer that came before the
    request's body was all written, a retry sent to another host, bytes the
    last server sends while the next request's name is looked up."""

    def test_an_answer_before_the_body_was_written_closes_the_connection(self):
        ng = harness.Nginx(http_extra="    client_max_body_size 100m;",
                           locations="location = /early { return 404; }")
        ng.start()
        self.addCleanup(ng.stop)
        text = """
local T = os.getenv("TARGET")
molotov.scenario("early", 1, function(s)
  assert(s:post(T .. "/early", { body = string.rep("x", 30000000) }).status == 404)
  for i = 1, 3 do assert(s:post(T .. "/early", { body = "small" }).status == 404) end
  assert(s:get(T .. "/").status == 200)
end)
"""
        for engine in ENGINES:
            with self.subTest(engine=engine):
                res = harness.run_molotov(["--engine", engine, "--single-run"], scenario_text=text,
                                          env={"TARGET": ng.url}, timeout=60)
                self.assertEqual(res.rc, 0, res)
        self.assertEqual(ng.count(path="/early"), 8)
        self.assertEqual(ng.count(path="/"), 2)

    def test_a_retry_goes_to_its_own_host(self):
        server = os.path.join(harness.source_dir(), "tests", "server", "keepalive_drop.py")
        p = subprocess.Popen([sys.executable, server], stdout=subprocess.PIPE, text=True)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.wait)
        self.addCleanup(p.kill)
        a = f"http://127.0.0.1:{int(p.stdout.readline().split()[-1])}"
        ng = harness.Nginx()
        ng.start()
        self.addCleanup(ng.stop)
        text = f"""
molotov.scenario("two hosts", 1, function(s)
  assert(s:get("{a}/a1").body == "first on its connection\\n")
  assert(s:get("{ng.url}/").status == 200)
  -- a's kept connection dies under this one: sent again, to a
  assert(s:get("{a}/a2").body == "first on its connection\\n")
end)
"""
        res = harness.run_molotov(["--engine", "native", "--single-run"], scenario_text=text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual([e["path"] for e in ng.access_log_lines()], ["/"])

    def test_what_an_idle_connection_says_is_not_the_next_answer(self):
        # nginx closes a kept connection 1 ms after its answer; the next request's
        # name (localhost) is being looked up meanwhile, on the thread pool
        ng = harness.Nginx(locations="location = /brief { keepalive_timeout 1ms; return 200 a; }")
        ng.start()
        self.addCleanup(ng.stop)
        other = ng.url.replace("127.0.0.1", "localhost")
        text = f"""
molotov.scenario("brief", 1, function(s)
  for i = 1, 20 do
    assert(s:get("{ng.url}/brief").status == 200)
    local r = s:get("{other}/json")
    assert(r.status == 200 and r:json().server == "nginx", tostring(r))
  end
end)
"""
        res = harness.run_molotov(["--engine", "native", "--single-run", "--json", "r.json"],
                                  scenario_text=text)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(ng.count(path="/json"), 20)


class Routes(harness.NginxCase):
    def test_v_names_each_requests_engine(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("two", 1, function(s)
  s:get(T .. "/")
  pcall(s.get, s, "https://127.0.0.1:1/x")
  s:post(T .. "/", { files = { f = { body = "data" } } })
end)
"""
        res = self.run_m(["--single-run", "-v"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertIn(f"* GET {self.web.url}/: native\n", res.stderr)
        self.assertIn("* GET https://127.0.0.1:1/x: curl, for https\n", res.stderr)
        self.assertIn(f"* POST {self.web.url}/: curl, for a multipart body\n", res.stderr)
        res = self.run_m(["--single-run", "-v", "--engine", "curl"], text)
        self.assertIn(f"* GET {self.web.url}/: curl, for --engine curl\n", res.stderr)

    def test_native_refuses_what_it_cannot_send(self):
        files = '{ files = { f = { body = "x" } } }'
        for method, url, opts, why in (
                ("get", "https://u:p@127.0.0.1:1/x", "nil", "https"),
                ("get", "ftp://127.0.0.1:1/x", "nil", "a scheme other than http"),
                ("get", "http://127.0.0.1:1/x", "{ http_version = '2' }", "HTTP/2"),
                ("post", "http://127.0.0.1:1/x", files, "a multipart body"),
                ("get", "http://127.0.0.1:1/x", "{ proxy = 'http://127.0.0.1:2' }", "a proxy")):
            text = f'molotov.scenario("one", 1, function(s) s:{method}("{url}", {opts}) end)'
            res = self.run_m(["--single-run", "--engine", "native"], text)
            self.assertEqual(res.rc, 1, res)
            shown = url.replace("u:p@", "")  # never the credentials
            self.assertIn(f"--engine native cannot send {method.upper()} {shown}: {why} "
                          "(use --engine auto or curl)", res.stdout + res.stderr)
            self.assertEqual(self.web.count(), 0)
        res = self.run_m(["--single-run", "--engine", "nope"], "")
        self.assertEqual(res.rc, 2, res)
        self.assertIn("--engine: auto, curl or native", res.stderr)

    def test_vv_traces_native_requests_with_secrets_masked(self):
        text = """
local T = os.getenv("TARGET")
molotov.scenario("one", 1, function(s)
  s:get(T .. "/", { auth = { "user", "SECRET-pw" }, cookies = { sid = "SECRET-c" } })
end)
"""
        res = self.run_m(["--single-run", "-vv", "--engine", "native"], text)
        self.assertEqual(res.rc, 0, res)
        self.assertIn("> GET / HTTP/1.1\n", res.stderr)
        self.assertIn("> Authorization: ***\n", res.stderr)
        self.assertIn("< HTTP/1.1 200 OK\n", res.stderr)
        self.assertNotIn("SECRET", res.stderr)


class ToHttps(unittest.TestCase):
    def test_a_redirect_to_https_is_handed_to_curl(self):
        d = tempfile.mkdtemp(prefix="molotov-engines-tls-")
        _, cert, key = make_certificates(d)
        tls = harness.Nginx(tls=(cert, key))
        tls.start()
        self.addCleanup(tls.stop)
        plain = harness.Nginx(locations=f"location = /go {{ return 302 {tls.url}/json; }}")
        plain.start()
        self.addCleanup(plain.stop)
        text = """
local T = os.getenv("TARGET")
molotov.scenario("hop", 1, function(s)
  local r = s:get(T .. "/go")
  assert(r.status == 200 and #r.history == 1, tostring(r))
  assert(r:json().server == "nginx")
end)
"""
        res = harness.run_molotov(["--single-run", "-v", "--insecure", "--engine", "native"],
                                  scenario_text=text, env={"TARGET": plain.url})
        self.assertEqual(res.rc, 0, res)
        self.assertIn(f"* GET {plain.url}/go: native\n", res.stderr)
        self.assertTrue(re.search(r"\* GET https://127\.0\.0\.1:\d+/json: curl, for https\n",
                                  res.stderr), res.stderr)
        self.assertEqual(len(plain.access_log_lines()), 1)
        self.assertEqual(len(tls.access_log_lines()), 1)


if __name__ == "__main__":
    harness.main()
