"""A Molotov script's session, whole (issue 13), end to end against httpbin,
nginx as a proxy in front of it, and a UDP socket for StatsD: redirects
followed by default hop by hop (each hop a request, resp.history), bodies
decoded with Accept-Encoding sent, multipart uploads seen by the server,
proxies (and the environment's only with --trust-env), resp.reason,
resp.cookies, header_list, session.args, the readable cookie jar, and the
script's own StatsD metrics."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_tls import make_certificates  # noqa: E402

HELPERS = r'''
local T = os.getenv("TARGET")
local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: expected %s, got %s", what, tostring(want), tostring(got)), 2)
  end
end
'''


def scenario(body):
    return HELPERS + body


class Session(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hb = harness.Httpbin()
        cls.hb.start()

    @classmethod
    def tearDownClass(cls):
        cls.hb.stop()

    def run_s(self, text, args=("-r", "1"), env=None, **kw):
        e = {"TARGET": self.hb.url}
        e.update(env or {})
        return harness.run_molotov([*args], scenario_text=text, env=e, **kw)

    def assert_ok(self, res, successes=1):
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (successes, 0), res)

    def test_redirects_followed_hop_by_hop(self):
        out = os.path.join(tempfile.mkdtemp(), "r.json")
        text = scenario(r'''
        molotov.scenario("r", 1, function(s)
          local r = s:get(T .. "/redirect/3")
          eq(r.status, 200, "followed by default")
          eq(r.url, T .. "/get", "final url")
          eq(#r.history, 3, "hops")
          eq(r.history[1].status, 302, "first hop status")
          eq(r.history[1].url, T .. "/redirect/3", "first hop url")
          eq(r.history[3].url, T .. "/relative-redirect/1", "last hop url")
          -- POST after 302 becomes GET without its body; after 307 it stays a POST
          r = s:post(T .. "/redirect-to?url=/anything/a&status_code=302", { body = "x" })
          eq(r:json().method, "GET", "302 after POST")
          eq(r:json().data, "", "302 drops the body")
          r = s:post(T .. "/redirect-to?url=/anything/b&status_code=307", { body = "keep" })
          eq(r:json().method, "POST", "307 keeps the method")
          eq(r:json().data, "keep", "307 keeps the body")
          r = s:post(T .. "/redirect-to?url=/anything/c&status_code=303", { body = "x" })
          eq(r:json().method, "GET", "303")
          r = s:put(T .. "/redirect-to?url=/anything/d&status_code=301", { body = "p" })
          eq(r:json().method, "PUT", "301 keeps a PUT")
          r = s:get(T .. "/redirect/2", { follow_redirects = false })
          eq(r.status, 302, "follow_redirects = false")
          eq(#r.history, 0, "no hops")
          local ok, err = pcall(s.get, s, T .. "/redirect/4", { max_redirects = 2 })
          assert(not ok and err:find("too many redirects: ", 1, true), err)
          -- expect judges the final answer, not the hops followed on the way
          r = s:get(T .. "/redirect/2", { expect = 200 })
          eq(r.status, 200, "followed with expect")
          -- a bad header raises before anything is built (nothing leaks)
          ok, err = pcall(s.post, s, T .. "/post", { body = "x", headers = { ["X-Bad"] = {} } })
          assert(not ok and err:find("a header value must be a string", 1, true), err)
        end)
        ''')
        with harness.Httpbin() as hb:  # its own: every line of its log is this test's
            res = harness.run_molotov(["-r", "1", "--json", out], scenario_text=text,
                                      env={"TARGET": hb.url})
            self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
            rep = json.load(open(out))
            seen = hb.wait_for_count(rep["totals"]["requests"])
            self.assertEqual(rep["totals"]["requests"], seen)  # every hop is one request
            self.assertEqual(hb.count(path="/redirect/4"), 1)
            # /redirect/4 with max_redirects = 2: its answer and two hops (/3, /2)
            self.assertEqual(hb.count(path="/relative-redirect/3"), 1)
            self.assertEqual(hb.count(path="/relative-redirect/2"), 2)  # /redirect/3's too
            # /redirect/3's and /redirect/2's (with expect); /redirect/4 stopped before
            self.assertEqual(hb.count(path="/relative-redirect/1"), 2)
        q = rep["requests"]
        self.assertEqual(q["GET /redirect/2"]["errors"], 0)  # hops followed are not failures
        self.assertEqual(q["GET /redirect/3"]["status"], {"302": 1})
        self.assertEqual(q["GET /relative-redirect/1"]["count"], 2)
        self.assertEqual(q["GET /anything/a"]["count"], 1)  # the hop has its own label
        self.assertEqual(q["POST /anything/b"]["count"], 1)

    def test_a_get_with_a_body_is_a_get(self):
        text = scenario(r'''
        molotov.scenario("g", 1, function(s)
          local r = s:get(T .. "/anything/g", { body = "x" })
          eq(r:json().method, "GET", "a GET with a body")
          eq(r:json().data, "x", "its body")
          r = s:delete(T .. "/anything/d", { body = "y" })
          eq(r:json().method, "DELETE", "a DELETE with a body")
          eq(r:json().data, "y", "its body")
        end)
        ''')
        self.assert_ok(self.run_s(text))

    def test_authorization_stays_with_its_origin(self):
        other = harness.Httpbin()
        with other:
            text = scenario(r'''
            molotov.scenario("r", 1, function(s)
              local to = os.getenv("OTHER") .. "/headers"
              local r = s:get(T .. "/redirect-to?url=" .. to, { headers = { Authorization = "Bearer t0k" } })
              eq(r:json().headers.Authorization, nil, "Authorization to another origin")
              r = s:get(T .. "/redirect-to?url=/headers", { headers = { Authorization = "Bearer t0k" } })
              eq(r:json().headers.Authorization, "Bearer t0k", "same origin")
            end)
            ''')
            self.assert_ok(self.run_s(text, env={"OTHER": other.url}))

    def test_compression_decoded_and_counted_on_the_wire(self):
        text = scenario(r'''
        molotov.scenario("c", 1, function(s)
          local r = s:get(T .. "/gzip")
          eq(r:json().gzipped, true, "gzip decoded")
          assert(r:json().headers["Accept-Encoding"]:find("gzip", 1, true), "Accept-Encoding sent")
          assert(r.size < #r.body, "size is the compressed bytes: " .. r.size .. " " .. #r.body)
          eq(tonumber(r.headers["content-length"]), r.size, "size = Content-Length on the wire")
          eq(s:get(T .. "/deflate"):json().deflated, true, "deflate decoded")
          r = s:get(T .. "/headers", { compress = false })
          eq(r:json().headers["Accept-Encoding"], nil, "compress = false sends none")
          r = s:get(T .. "/gzip", { compress = false })
          eq(r.headers["content-encoding"], "gzip", "served compressed anyway")
          eq(#r.body, r.size, "left as it came")
        end)
        ''')
        self.assert_ok(self.run_s(text))

    @harness.needs_curl("multipart bodies")
    def test_uploads_seen_by_the_server(self):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "report.csv")
        with open(path, "w") as f:
            f.write("a,b\n1,2\n")
        text = scenario(r'''
        molotov.scenario("u", 1, function(s)
          local r = s:post(T .. "/post", {
            files = { doc = { filename = "a.txt", body = "hello", content_type = "text/plain" },
                      csv = { path = os.getenv("CSV") } },
            form = { x = "1", y = "two" } })
          local j = r:json()
          eq(j.files.doc, "hello", "inline file")
          eq(j.files.csv, "a,b\n1,2\n", "file read from its path")
          eq(j.form.x, "1", "form field beside the files")
          eq(j.form.y, "two", "form field")
          assert(j.headers["Content-Type"]:find("multipart/form-data; boundary=", 1, true))
          local ok, err = pcall(s.post, s, T .. "/post", { files = { f = { path = "/nonexistent" } } })
          assert(not ok and err:find("files.f: cannot read '/nonexistent'", 1, true), err)
          ok, err = pcall(s.post, s, T .. "/post", { files = { f = { body = "x" } }, json = {} })
          assert(not ok and err:find("give only one of", 1, true), err)
        end)
        ''')
        self.assert_ok(self.run_s(text, env={"CSV": path}))
        self.assertEqual(self.hb.count(path="/post", method="POST"), 1)  # the bad ones: not sent

    def test_response_and_session_fields(self):
        text = scenario(r'''
        molotov.scenario("f", 1, function(s)
          local r = s:get(T .. "/status/418")
          eq(r.reason, "I'M A TEAPOT", "reason")
          eq(s:get(T .. "/get").reason, "OK", "reason OK")
          r = s:get(T .. "/cookies/set?a=1&b=2", { follow_redirects = false })
          eq(r.cookies.a, "1", "resp.cookies a")
          eq(r.cookies.b, "2", "resp.cookies b")
          local l = r:header_list("set-cookie")
          eq(#l, 2, "two Set-Cookie headers")
          assert(l[1]:find("a=1", 1, true) and l[2]:find("b=2", 1, true))
          eq(r.headers["set-cookie"], l[1], "headers[] holds the first Set-Cookie, not a join")
          eq(s.args.workers, 1, "session.args")
          local jar = s:cookies_for(T .. "/")
          eq(jar.a, "1", "jar a")
          eq(jar.b, "2", "jar b")
          eq(#s.cookies, 2, "session.cookies")
          eq(s.cookies[1].domain, "127.0.0.1", "cookie domain")
          s:set_cookie("z", "9", { domain = "127.0.0.1", path = "/cookies" })
          eq(s:get(T .. "/cookies"):json().cookies.z, "9", "set_cookie sent")
          eq(s:cookies_for(T .. "/get").z, nil, "path respected")
          s:clear_cookies()
          eq(#s.cookies, 0, "cleared")
          eq(next(s:get(T .. "/cookies"):json().cookies), nil, "nothing sent")
        end)
        ''')
        self.assert_ok(self.run_s(text))

    def test_scripted_statsd(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((harness.LOOPBACK, 0))
        sock.settimeout(10)
        port = sock.getsockname()[1]
        text = scenario(r'''
        molotov.scenario("m", 1, function(s)
          assert(molotov.statsd, "molotov.statsd with --statsd")
          molotov.statsd.incr("my.count")
          molotov.statsd.incr("my.count", 4)
          molotov.statsd.gauge("my.gauge", 2.5)
          molotov.statsd.timing("my.timing", 12)
        end)
        ''')
        res = self.run_s(text, args=("-r", "1", "--statsd", "--statsd-address",
                                     f"udp://127.0.0.1:{port}"))
        self.assert_ok(res)
        got = [sock.recv(2000).decode() for _ in range(4)]
        sock.close()
        self.assertEqual(got, ["my.count:1|c", "my.count:4|c", "my.gauge:2.500|g",
                               "my.timing:12|ms"])
        res = self.run_s("molotov.scenario('n', 1, function(s) assert(molotov.statsd == nil) end)")
        self.assert_ok(res)


@harness.needs_curl("through proxies")
class Proxies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hb = harness.Httpbin()
        cls.hb.start()
        d = tempfile.mkdtemp(prefix="molotov-proxy-")
        cls.ca, cert, key = make_certificates(d)
        via = f"proxy_pass {cls.hb.url}; proxy_set_header X-Via-Proxy nginx;"
        auth = 'if ($http_proxy_authorization != "Basic dTpwdw==") { return 407; }'
        cls.proxy = harness.Nginx(locations=f"location /anything {{ {via} }}\n"
                                  f"location /auth {{ {auth} proxy_pass {cls.hb.url}/anything; "
                                  "proxy_set_header X-Via-Proxy nginx; }")
        cls.proxy.start()
        cls.tls_proxy = harness.Nginx(locations=f"location /anything {{ {via} }}",
                                      tls=(cert, key))
        cls.tls_proxy.start()

    @classmethod
    def tearDownClass(cls):
        cls.tls_proxy.stop()
        cls.proxy.stop()
        cls.hb.stop()

    # nothing listens on port 9: a request that arrives went through the proxy
    TEXT = HELPERS + r'''
    molotov.scenario("p", 1, function(s)
      local r = s:get("http://127.0.0.1:9/anything/x", OPTS)
      eq(r:json().headers["X-Via-Proxy"], "nginx", "through the proxy")
    end)
    '''

    def run_p(self, opts, args=(), env=None):
        return harness.run_molotov(["-r", "1", *args], scenario_text=self.TEXT.replace("OPTS", opts),
                                   env=env or {})

    def test_per_request_session_and_run_proxy(self):
        res = self.run_p(f'{{ proxy = "{self.proxy.url}" }}')
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        res = self.run_p("nil", args=("--proxy", self.proxy.url))
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        self.assertEqual(self.proxy.wait_for_count(2, path="/anything/x"), 2)
        res = harness.run_molotov(["-r", "1", "--proxy", "nonsense"], scenario_text="x=1")
        self.assertEqual(res.rc, 2)
        self.assertIn("--proxy: expected a URL", res.stderr)

    def test_proxy_auth_and_an_https_proxy(self):
        text = HELPERS + r'''
        molotov.scenario("p", 1, function(s)
          local r = s:get("http://127.0.0.1:9/auth", { proxy = os.getenv("P"),
                                                     proxy_auth = { "u", "pw" } })
          eq(r.status, 200, "with proxy_auth")
          eq(s:get("http://127.0.0.1:9/auth", { proxy = os.getenv("P") }).status, 407, "without")
          r = s:get("http://127.0.0.1:9/anything/tls", { proxy = os.getenv("TLSP") })
          eq(r:json().headers["X-Via-Proxy"], "nginx", "through the https proxy")
        end)
        '''
        tls_url = self.tls_proxy.url.replace("http://", "https://")
        res = harness.run_molotov(["-r", "1", "--cacert", self.ca], scenario_text=text,
                                  env={"P": self.proxy.url, "TLSP": tls_url})
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        self.assertNotIn("dTpwdw", res.stdout + res.stderr)

    def test_environment_proxies_only_with_trust_env(self):
        text = HELPERS + r'''
        molotov.scenario("e", 1, function(s)
          local r = s:get(os.getenv("HB") .. "/anything/env")
          eq(r:json().headers["X-Via-Proxy"], os.getenv("WANT") ~= "" and os.getenv("WANT") or nil,
             "via")
        end)
        '''
        env = {"http_proxy": self.proxy.url, "HTTP_PROXY": self.proxy.url, "no_proxy": None,
               "NO_PROXY": None, "HB": self.hb.url}
        res = harness.run_molotov(["-r", "1"], scenario_text=text, env=dict(env, WANT=""))
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)  # direct
        res = harness.run_molotov(["-r", "1", "--trust-env"], scenario_text=text,
                                  env=dict(env, WANT="nginx"))
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)


if __name__ == "__main__":
    harness.main()
