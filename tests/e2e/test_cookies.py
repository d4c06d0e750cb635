"""The session's cookie jar (src/jar.c) on the wire, against real servers:
httpbin's /cookies routes (set, read back, deleted, set on each hop of a
chain of redirects), a Path cookie and the order of the Cookie header
(longer paths first, then the older), a Secure cookie neither taken from
nor sent over http; and, through nginx used as a forward proxy (so the
request's host is a name, not 127.0.0.1), Domain cookies: one for the
registrable domain goes to its other hosts, one for a public suffix
(co.uk) is refused, a host-only one stays on its host; and a session that
moves between https and http (two nginx on 127.0.0.1) keeps its cookies,
its Secure one going over https only. What the servers saw is what they
echo: httpbin's /cookies and /anything, nginx's $http_cookie.
"""

import os
import shutil
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_tls import make_certificates  # noqa: E402

PRELUDE = r'''
local T = assert(os.getenv("TARGET"), "TARGET is not set")
local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: expected %s, got %s", what or "value", tostring(want), tostring(got)), 2)
  end
end
local function names(t) -- "a=1 b=2" of a name -> value table, sorted
  local out = {}
  for k, v in pairs(t) do out[#out + 1] = k .. "=" .. v end
  table.sort(out)
  return table.concat(out, " ")
end
local function sc(v) return { params = { ["Set-Cookie"] = v } } end -- httpbin answers with it
'''


def scenario(body: str) -> str:
    return PRELUDE + textwrap.dedent(body)


class CookieJarTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hb = harness.Httpbin()
        cls.addClassCleanup(cls.hb.stop)
        cls.hb.start()
        # as a forward proxy nginx answers absolute-form requests for any host:
        # /set sets three cookies, /seen echoes the host and the Cookie header
        locations = """
        location = /set {
            add_header Set-Cookie "ps=1; Domain=co.uk; Path=/" always;
            add_header Set-Cookie "reg=2; Domain=.Example.co.uk; Path=/" always;
            add_header Set-Cookie "host=3; Path=/" always;
            add_header Set-Cookie "ip=4; Domain=127.0.0.1; Path=/" always;
            default_type text/plain;
            return 200 "set\\n";
        }
        location = /seen {
            default_type text/plain;
            return 200 "$host [$http_cookie]";
        }
"""
        cls.ng = harness.Nginx(locations=locations)
        cls.addClassCleanup(cls.ng.stop)
        cls.ng.start()
        tls_dir = tempfile.mkdtemp(prefix="molotov-cookies-")
        cls.addClassCleanup(shutil.rmtree, tls_dir, ignore_errors=True)
        cls.ca, cert, key = make_certificates(tls_dir)
        secure = """
        location = /login {
            add_header Set-Cookie "s=1; Secure; HttpOnly; Path=/" always;
            add_header Set-Cookie "plain=2; Path=/" always;
            default_type text/plain;
            return 200 "in\\n";
        }
        location = /seen {
            default_type text/plain;
            return 200 "[$http_cookie]";
        }
"""
        cls.tls = harness.Nginx(locations=secure, tls=(cert, key))
        cls.addClassCleanup(cls.tls.stop)
        cls.tls.start()

    def run_scenario(self, text, target):
        res = harness.run_molotov(["--single-run", "-v", "--cacert", self.ca], scenario_text=text,
                                  env={"TARGET": target, "PROXY": self.ng.url,
                                       "HTTPS": self.tls.url}, timeout=60)
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        return res

    def test_httpbin_sees_the_jar(self):
        text = scenario(r'''
        molotov.scenario("jar", 1, function(s)
          local r = s:get(T .. "/cookies/set?a=1&b=2")
          eq(r.status, 200, "followed /cookies/set")
          eq(names(r:json().cookies), "a=1 b=2", "cookies seen after the redirect")
          -- every hop of a redirect chain stores its Set-Cookie before the next
          r = s:get(T .. "/redirect-to", { params = { url = "/cookies/set?c=3" } })
          eq(#r.history, 2, "two redirects")
          eq(names(r:json().cookies), "a=1 b=2 c=3", "cookie set on the second hop")
          -- a Path cookie: only under /anything, and first in the header
          s:get(T .. "/response-headers", sc("p=4; Path=/anything"))
          eq(names(s:get(T .. "/cookies"):json().cookies), "a=1 b=2 c=3", "not under /cookies")
          eq(s:get(T .. "/anything/x"):json().headers.Cookie, "p=4; a=1; b=2; c=3",
             "longer paths first, then the older")
          -- Secure: not taken from http, not sent over http
          r = s:get(T .. "/response-headers", sc("sec=5; Secure"))
          eq(r.cookies.sec, "5", "the answer carried it")
          eq(s:cookies_for(T .. "/").sec, nil, "refused from http")
          s:set_cookie("sec", "6", { domain = "127.0.0.1", secure = true })
          eq(s:get(T .. "/cookies"):json().cookies.sec, nil, "a Secure cookie over http")
          eq(s:cookies_for("https://127.0.0.1/").sec, "6", "it would go over https")
          -- Max-Age and deletion
          s:get(T .. "/response-headers", sc("m=7; Max-Age=3600"))
          local m
          for _, c in ipairs(s.cookies) do if c.name == "m" then m = c end end
          assert(m and m.expires > os.time() + 3500 and m.expires <= os.time() + 3600, "Max-Age")
          s:get(T .. "/cookies/delete?a&m")
          eq(names(s:get(T .. "/cookies"):json().cookies), "b=2 c=3", "deleted")
          s:get(T .. "/response-headers", sc("b=; Max-Age=0"))
          eq(names(s:get(T .. "/cookies"):json().cookies), "c=3", "Max-Age=0 deletes")
        end)
        ''')
        self.run_scenario(text, self.hb.url)
        self.assertEqual(self.hb.wait_for_count(1, path="/anything/x"), 1)

    @harness.needs_curl("through proxies")
    def test_domains_through_a_proxy(self):
        text = scenario(r'''
        local P = { proxy = os.getenv("PROXY") }
        molotov.scenario("domains", 1, function(s)
          eq(s:get("http://www.example.co.uk/set", P).status, 200, "/set")
          local kept = {}
          for _, c in ipairs(s.cookies) do
            kept[#kept + 1] = c.name .. "@" .. c.domain
          end
          table.sort(kept)
          eq(table.concat(kept, " "), "host@www.example.co.uk reg@example.co.uk",
             "co.uk and 127.0.0.1 refused")
          eq(s:get("http://www.example.co.uk/seen", P).body, "www.example.co.uk [reg=2; host=3]",
             "the host that set them")
          eq(s:get("http://api.example.co.uk/seen", P).body, "api.example.co.uk [reg=2]",
             "another host of the domain")
          eq(s:get("http://other.co.uk/seen", P).body, "other.co.uk []", "another domain")
        end)
        ''')
        before = self.ng.count(path="/seen")
        self.run_scenario(text, self.ng.url)
        self.assertEqual(self.ng.wait_for_count(before + 3, path="/seen"), before + 3)

    @harness.needs_curl("https")
    def test_between_https_and_http(self):
        text = scenario(r'''
        local S = os.getenv("HTTPS")
        molotov.scenario("schemes", 1, function(s)
          eq(s:get(S .. "/login").status, 200, "https /login")
          eq(s:get(S .. "/seen").body, "[s=1; plain=2]", "both over https")
          eq(s:get(T .. "/seen").body, "127.0.0.1 [plain=2]", "the Secure one not over http")
          local c = s.cookies[1]
          eq(string.format("%s %s %s", c.name, c.secure, c.http_only), "s true true", "flags")
        end)
        ''')
        before = self.ng.count(path="/seen")
        self.run_scenario(text, self.ng.url)
        self.assertEqual(self.tls.wait_for_count(1, path="/seen"), 1)
        self.assertEqual(self.ng.wait_for_count(before + 1, path="/seen"), before + 1)


if __name__ == "__main__":
    harness.main()
