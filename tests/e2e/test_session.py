"""The scenario API's HTTP semantics (session, request options, response)
against real servers: httpbin for what a request carried, nginx where
connections and counts matter.

Each test runs molotov once or twice on a small Lua scenario.  Inside the
scenario, `eq`/`has` raise an error (a scenario failure) when the response is
not what the contract says; the Python side checks the summary counts and
what the server's access log saw.  Scenarios get the server's URL from the
TARGET environment variable.
"""

import base64
import os
import re
import sys
import textwrap
import unittest
import uuid
from urllib.parse import parse_qsl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# Prepended to every scenario.  `eq(got, want, what)` and `has(s, sub, what)`
# raise at the caller's line with both values in the message.
PRELUDE = r'''
local T = assert(os.getenv("TARGET"), "TARGET is not set")
local json = molotov.json
local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: expected %s, got %s", what or "value", tostring(want), tostring(got)), 2)
  end
end
local function has(s, sub, what)
  if type(s) ~= "string" or not s:find(sub, 1, true) then
    error(string.format("%s: %s does not contain %s", what or "value", tostring(s), sub), 2)
  end
end
local function starts(s, prefix, what)
  if type(s) ~= "string" or s:sub(1, #prefix) ~= prefix then
    error(string.format("%s: %s does not start with %s", what or "value", tostring(s), prefix), 2)
  end
end
-- a header of httpbin's echo ({"headers": {...}}), looked up case-insensitively
local function hget(headers, name)
  for k, v in pairs(headers) do
    if k:lower() == name:lower() then return v end
  end
  return nil
end
'''


def scenario(body: str) -> str:
    return PRELUDE + textwrap.dedent(body)


def line_of(text: str, marker: str) -> int:
    """1-based line number of the (only) line of text containing marker."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if marker in line]
    assert len(hits) == 1, f"marker {marker!r} found on lines {hits}"
    return hits[0]


class SessionTest(unittest.TestCase):
    """One httpbin and one nginx for the whole class; tests use distinct paths."""

    SECRET_COOKIE = "setcookie" + uuid.uuid4().hex

    @classmethod
    def setUpClass(cls):
        cls.hb = harness.Httpbin()
        cls.addClassCleanup(cls.hb.stop)
        cls.hb.start()
        locations = f"""
        location = /vv/login {{
            add_header Set-Cookie "sid={cls.SECRET_COOKIE}; Path=/" always;
            default_type text/plain;
            return 200 "logged in\\n";
        }}
        location = /vv/private {{
            default_type text/plain;
            return 200 "private\\n";
        }}
"""
        cls.ng = harness.Nginx(locations=locations)
        cls.addClassCleanup(cls.ng.stop)
        cls.ng.start()

    # ---- helpers -------------------------------------------------------------
    def run_scenario(self, text, args=("--single-run", "-v"), target=None, env=None, timeout=60):
        full_env = {"TARGET": target or self.hb.url}
        full_env.update(env or {})
        return harness.run_molotov(list(args), scenario_text=text, env=full_env, timeout=timeout)

    def assert_run(self, res, successes, failures=0, rc=None):
        """rc (0 when nothing failed, else 1 under --single-run) and summary counts."""
        if rc is None:
            rc = 1 if failures else 0
        self.assertEqual(res.rc, rc, res)
        self.assertEqual(harness.assert_summary_counts(res.stdout), (successes, failures), res)

    def assert_failure_listed(self, res, text, marker, message_re):
        """The failure list on stdout holds `scenario.lua:LINE: <message_re>`."""
        line = line_of(text, marker)
        pattern = re.compile(r"scenario\.lua:%d: %s" % (line, message_re))
        self.assertRegex(res.stdout, pattern, res)

    def log(self, path, **filters):
        """httpbin's access-log entries for path, once the server wrote them."""
        return self.hb.entries(path=path, **filters)

    # ---- verbs -----------------------------------------------------------------
    def test_verbs_reach_the_server_with_their_method(self):
        text = scenario(r'''
        molotov.scenario("verbs", 1, function(session)
          local P = T .. "/anything/verbs/"
          for _, v in ipairs({ "get", "post", "put", "patch", "delete" }) do
            local r = session[v](session, P .. v)
            eq(r.status, 200, v .. " status")
            eq(r:json().method, v:upper(), v .. " as echoed")
          end
          local r = session:head(P .. "head")
          eq(r.status, 200, "HEAD status")
          eq(r.body, "", "HEAD body")
          r = session:options(P .. "options")
          eq(r.status, 200, "OPTIONS status")
          has(r.headers["allow"], "OPTIONS", "Allow of OPTIONS")
          r = session:request("PATCH", P .. "request-patch")
          eq(r:json().method, "PATCH", "request(PATCH)")
          r = session:request("delete", P .. "request-delete")
          eq(r:json().method, "DELETE", "request(delete)")
          r = session:request("PUT", P .. "request-put", { body = "payload" })
          eq(r:json().method, "PUT", "request(PUT) with a body")
          eq(r:json().data, "payload", "request(PUT) body")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        expected = [("GET", "get"), ("POST", "post"), ("PUT", "put"), ("PATCH", "patch"),
                    ("DELETE", "delete"), ("HEAD", "head"), ("OPTIONS", "options"),
                    ("PATCH", "request-patch"), ("DELETE", "request-delete"),
                    ("PUT", "request-put")]
        for method, leaf in expected:
            path = "/anything/verbs/" + leaf
            self.hb.wait_for_count(1, path=path)
            got = [e["method"] for e in self.log(path)]
            self.assertEqual(got, [method], f"{path}: methods seen by httpbin")

    # ---- headers -----------------------------------------------------------------
    def test_headers_merge_request_wins_false_removes(self):
        text = scenario(r'''
        molotov.setup(function(worker_id, args)
          return { headers = { ["X-Session"] = "s", ["X-Override"] = "session",
                               ["X-Drop"] = "session", ["Accept"] = "text/x-session" } }
        end)
        molotov.scenario("headers", 1, function(session)
          local h = session:get(T .. "/anything/headers/merge", { headers = {
            ["x-override"] = "request", ["X-DROP"] = false, ["X-Req"] = "r" } }):json().headers
          eq(hget(h, "X-Session"), "s", "session header")
          eq(hget(h, "X-Override"), "request", "request header overriding another case")
          eq(hget(h, "X-Drop"), nil, "session header removed by false")
          eq(hget(h, "X-Req"), "r", "request header")
          eq(hget(h, "Accept"), "text/x-session", "session Accept replacing curl's")
          -- false also removes a header the client adds by itself
          h = session:get(T .. "/anything/headers/no-ua",
                          { headers = { ["user-agent"] = false } }):json().headers
          eq(hget(h, "User-Agent"), nil, "User-Agent removed by false")
          -- a User-Agent of the scenario's replaces molotov's (one header, not two)
          h = session:get(T .. "/anything/headers/own-ua",
                          { headers = { ["user-agent"] = "custom/1" } }):json().headers
          eq(hget(h, "User-Agent"), "custom/1", "own User-Agent")
          -- per-request headers do not stick to the session
          h = session:get(T .. "/anything/headers/after"):json().headers
          eq(hget(h, "X-Override"), "session", "X-Override after")
          eq(hget(h, "X-Drop"), "session", "X-Drop after")
          eq(hget(h, "X-Req"), nil, "X-Req after")
          starts(hget(h, "User-Agent"), "molotov", "default User-Agent")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(1, path="/anything/headers/after")
        self.assertEqual([e["user_agent"] for e in self.log("/anything/headers/no-ua")], [""])
        ua = [e["user_agent"] for e in self.log("/anything/headers/after")]
        self.assertEqual(len(ua), 1)
        self.assertTrue(ua[0].startswith("molotov"), ua)

    def test_session_headers_mutable_at_run_time(self):
        text = scenario(r'''
        molotov.setup(function(worker_id, args)
          return { headers = { ["X-Keep"] = "k", ["X-Gone"] = "g" } }
        end)
        molotov.scenario("a_mutate", 1, function(session)
          eq(session.headers["X-Keep"], "k", "session.headers from setup")
          session.headers["X-Added"] = "added"
          session.headers["X-Gone"] = nil
          local h = session:get(T .. "/anything/mutable/a"):json().headers
          eq(hget(h, "X-Added"), "added", "added header")
          eq(hget(h, "X-Gone"), nil, "removed header")
          eq(hget(h, "X-Keep"), "k", "kept header")
        end)
        molotov.scenario("b_later", 1, function(session)
          -- the next scenario of this worker has the same session
          local h = session:get(T .. "/anything/mutable/b"):json().headers
          eq(hget(h, "X-Added"), "added", "added header, next scenario")
          eq(hget(h, "X-Gone"), nil, "removed header, next scenario")
          session.headers = { ["X-Replaced"] = "yes" }
          h = session:get(T .. "/anything/mutable/c"):json().headers
          eq(hget(h, "X-Replaced"), "yes", "header of the new table")
          eq(hget(h, "X-Keep"), nil, "header of the replaced table")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 2)

    # ---- params, bodies ------------------------------------------------------------
    def test_params_encoded_and_appended(self):
        text = scenario(r'''
        molotov.scenario("params", 1, function(session)
          local r = session:get(T .. "/anything/params/append?a=1",
                                { params = { b = "x y&z=", c = 5 } })
          local args = r:json().args
          eq(args.a, "1", "existing query")
          eq(args.b, "x y&z=", "encoded param")
          eq(args.c, "5", "number param")
          r = session:get(T .. "/anything/params/fresh", { params = { q = "\u{e9}/?#" } })
          eq(r:json().args.q, "\u{e9}/?#", "non-ASCII param")
          eq(r.url, T .. "/anything/params/fresh?q=%C3%A9%2F%3F%23", "resp.url with params")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(1, path="/anything/params/fresh")
        [append] = self.log("/anything/params/append")
        # strict parsing rejects empty pairs such as "a=1&&b=..."
        self.assertEqual(sorted(parse_qsl(append["query"], strict_parsing=True)),
                         [("a", "1"), ("b", "x y&z="), ("c", "5")], append["uri"])
        self.assertTrue(append["query"].startswith("a=1&"), append["uri"])
        [fresh] = self.log("/anything/params/fresh")
        self.assertEqual(fresh["query"], "q=%C3%A9%2F%3F%23")

    def test_body_json_form(self):
        text = scenario(r'''
        molotov.scenario("bodies", 1, function(session)
          local P = T .. "/anything/body/"
          local j = session:post(P .. "raw", { body = "a=1&raw text" }):json()
          eq(j.data, "a=1&raw text", "raw body")
          eq(next(j.form), nil, "raw body parsed as a form")

          j = session:put(P .. "json", { json = { name = "x", n = 3, list = { 1, 2, 3 },
                                                 nested = { ok = true } } }):json()
          eq(j.method, "PUT", "json body method")
          eq(hget(j.headers, "Content-Type"), "application/json", "json Content-Type")
          eq(j.json.name, "x", "json.name")
          eq(j.json.n, 3, "json.n")
          eq(#j.json.list, 3, "json.list length")
          eq(j.json.list[3], 3, "json.list[3]")
          eq(j.json.nested.ok, true, "json.nested.ok")

          j = session:post(P .. "json-ct", { json = { a = 1 },
                           headers = { ["content-type"] = "application/vnd.api+json" } }):json()
          eq(hget(j.headers, "Content-Type"), "application/vnd.api+json", "explicit Content-Type")
          eq(json.decode(j.data).a, 1, "json body with an explicit Content-Type")

          j = session:post(P .. "form", { form = { a = "1", b = "x y&z=" } }):json()
          eq(hget(j.headers, "Content-Type"), "application/x-www-form-urlencoded", "form Content-Type")
          eq(j.form.a, "1", "form.a")
          eq(j.form.b, "x y&z=", "form.b")

          local two = { { body = "x", json = { a = 1 } }, { body = "x", form = { a = "1" } },
                        { json = { a = 1 }, form = { a = "1" } } }
          for i, o in ipairs(two) do
            local ok, err = pcall(session.post, session, P .. "two", o)
            assert(not ok, "two bodies accepted, case " .. i)
            assert(tostring(err):find("body") or tostring(err):find("json"), tostring(err))
          end
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(1, path="/anything/body/form")
        self.assertEqual(self.hb.count(path="/anything/body/two"), 0,
                         "a request with two bodies was sent")
        self.assertEqual(self.hb.count(method="PUT", path="/anything/body/json"), 1)

    # ---- auth --------------------------------------------------------------------
    def test_basic_auth(self):
        text = scenario(r'''
        molotov.scenario("auth", 1, function(session)
          local r = session:get(T .. "/basic-auth/u/p", { auth = { "u", "p" } })
          eq(r.status, 200, "right password")
          eq(r:json().authenticated, true, "authenticated")
          eq(r:json().user, "u", "user")
          eq(session:get(T .. "/basic-auth/u/p", { auth = { "u", "wrong" } }).status, 401,
             "wrong password")
          eq(session:get(T .. "/basic-auth/u/p").status, 401, "no auth after an auth request")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(3, path="/basic-auth/u/p")
        self.assertEqual(self.hb.count(path="/basic-auth/u/p", status=200), 1)
        self.assertEqual(self.hb.count(path="/basic-auth/u/p", status=401), 2)

    # ---- cookies -----------------------------------------------------------------
    def test_cookie_jar_per_session(self):
        text = scenario(r'''
        molotov.scenario("jar", 1, function(session)
          local r = session:get(T .. "/cookies/set?k=v", { follow_redirects = false })
          eq(r.status, 302, "/cookies/set without following")
          has(r.headers["set-cookie"], "k=v", "Set-Cookie")
          eq(session:get(T .. "/cookies"):json().cookies.k, "v", "jar cookie sent back")
          r = session:get(T .. "/cookies/set?k2=v2", { follow_redirects = true })
          eq(r.status, 200, "followed /cookies/set")
          eq(r:json().cookies.k2, "v2", "cookie set during a redirect")
          eq(r:json().cookies.k, "v", "older cookie")
          session:get(T .. "/cookies/delete?k")
          local c = session:get(T .. "/cookies"):json().cookies
          eq(c.k, nil, "deleted cookie")
          eq(c.k2, "v2", "remaining cookie")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)

    def test_cookie_jars_isolated_between_workers(self):
        text = scenario(r'''
        local function wait_for(name)
          local n = 0
          while not molotov.get_var(name) do
            n = n + 1
            assert(n < 500, "never got " .. name)
            molotov.sleep(0.01)
          end
        end
        molotov.scenario("isolation", 1, function(session)
          if session.worker_id == 0 then
            session:get(T .. "/cookies/set?owner=w0")
            eq(session:get(T .. "/cookies"):json().cookies.owner, "w0", "worker 0 own cookie")
            molotov.set_var("w0_set", true)
            wait_for("w1_set")
            eq(session:get(T .. "/cookies"):json().cookies.owner, "w0",
               "worker 0 cookie after worker 1 set its own")
          else
            wait_for("w0_set")
            local c = session:get(T .. "/cookies"):json().cookies
            eq(c.owner, nil, "worker 1 sees worker 0's cookie")
            session:get(T .. "/cookies/set?owner=w1")
            eq(session:get(T .. "/cookies"):json().cookies.owner, "w1", "worker 1 own cookie")
            molotov.set_var("w1_set", true)
          end
        end)
        ''')
        res = self.run_scenario(text, args=("--single-run", "-v", "-w", "2"))
        self.assert_run(res, 2)

    def test_session_cookies_seed_the_jar(self):
        text = scenario(r'''
        molotov.setup(function(worker_id, args)
          return { cookies = { seed = "s1", other = "o" } }
        end)
        molotov.scenario("seed", 1, function(session)
          local c = session:get(T .. "/cookies"):json().cookies
          eq(c.seed, "s1", "seeded cookie")
          eq(c.other, "o", "second seeded cookie")
          -- it is a jar cookie: the server can replace it
          session:get(T .. "/cookies/set?seed=s2")
          c = session:get(T .. "/cookies"):json().cookies
          eq(c.seed, "s2", "seeded cookie replaced by the server")
          eq(c.other, "o", "other seeded cookie after the replacement")
          -- every host gets them, names as well as addresses
          local named = T:gsub("127%.0%.0%.1", "localhost")
          c = session:get(named .. "/cookies"):json().cookies
          eq(c.seed, "s1", "seeded cookie sent to a named host")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)

    def test_credentials_never_show_in_urls(self):
        text = scenario(r'''
        molotov.scenario("creds", 1, function(session)
          local r = session:get(T .. "/basic-auth/alice/s3cret-pw",
                                { auth = { "alice", "s3cret-pw" }, follow_redirects = true })
          eq(r.status, 200, "authenticated")
          eq(r.url, T .. "/basic-auth/alice/s3cret-pw", "no userinfo in resp.url")
          r = session:get((T:gsub("http://", "http://bob:in-url-pw@")) .. "/get")
          eq(r.url, T .. "/get", "userinfo of the URL itself dropped")
          session:get("http://carol:refused-pw@127.0.0.1:" .. os.getenv("DEAD_PORT") .. "/x")
        end)
        ''')
        res = self.run_scenario(text, env={"DEAD_PORT": str(harness.free_port())})
        self.assert_run(res, 0, 1)
        self.assertRegex(res.stdout, r"connection refused: http://127\.0\.0\.1:\d+/x\n")
        for secret in ("in-url-pw", "refused-pw", "carol"):
            self.assertNotIn(secret, res.stdout + res.stderr)

    def test_request_cookies(self):
        text = scenario(r'''
        molotov.scenario("per_request", 1, function(session)
          session:get(T .. "/cookies/set?jar=j")
          local c = session:get(T .. "/cookies", { cookies = { a = "1", b = "2" } }):json().cookies
          eq(c.a, "1", "request cookie a")
          eq(c.b, "2", "request cookie b")
          eq(c.jar, "j", "jar cookie alongside request cookies")
          c = session:get(T .. "/cookies"):json().cookies
          eq(c.a, nil, "request cookie kept for the next request")
          eq(c.jar, "j", "jar cookie")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)

    # ---- redirects -------------------------------------------------------------------
    def test_redirects(self):
        text = scenario(r'''
        molotov.scenario("redirects", 1, function(session)
          local r = session:get(T .. "/redirect/2", { follow_redirects = false })
          eq(r.status, 302, "not followed when asked")
          eq(r.ok, true, "302 is ok")
          has(r.headers["location"], "/relative-redirect/1", "Location")
          eq(r.url, T .. "/redirect/2", "url without following")
          r = session:get(T .. "/redirect/3")
          eq(r.status, 200, "followed by default")
          eq(r.url, T .. "/get", "final url")
          eq(r:json().url, T .. "/get", "final url as httpbin saw it")
          r = session:get(T .. "/redirect/10", { follow_redirects = true })
          eq(r.status, 200, "10 hops")
          local ok, err = pcall(session.get, session, T .. "/redirect/11", { follow_redirects = true })
          assert(not ok, "11 hops followed")
          starts(err, "too many redirects: ", "11 hops")
          has(err, T, "11 hops error names the URL")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(1, path="/redirect/11")
        self.assertEqual(self.hb.count(path="/redirect/2"), 1)
        # /redirect/11: the first answer and 10 hops (/relative-redirect/10 .. /1) were
        # fetched; the 11th Location was not followed
        self.hb.wait_for_count(3, path="/relative-redirect/1")  # from /redirect/3, /10, /11
        self.assertEqual(self.hb.count(path="/relative-redirect/10"), 1)
        self.assertEqual(self.hb.count(path="/relative-redirect/1"), 3)

    def test_session_level_options(self):
        text = scenario(r'''
        molotov.setup(function(worker_id, args)
          return { follow_redirects = true, auth = { "su", "sp" }, params = { sp = "1" },
                   timeout = 5, connect_timeout = 2, http_version = "1.1", verify = true }
        end)
        molotov.scenario("defaults", 1, function(session)
          local r = session:get(T .. "/absolute-redirect/2")
          eq(r.status, 200, "session follow_redirects")
          eq(r.url, T .. "/get", "final url")
          r = session:get(T .. "/absolute-redirect/1", { follow_redirects = false })
          eq(r.status, 302, "request follow_redirects=false over the session's")
          eq(session:get(T .. "/basic-auth/su/sp").status, 200, "session auth")
          eq(session:get(T .. "/basic-auth/u/p", { auth = { "u", "p" } }).status, 200,
             "request auth over the session's")
          local args = session:get(T .. "/anything/sessopts?q=1", { params = { rp = "2" } }):json().args
          eq(args.q, "1", "url query")
          eq(args.sp, "1", "session param")
          eq(args.rp, "2", "request param")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(1, path="/anything/sessopts")
        [e] = self.log("/anything/sessopts")
        self.assertEqual(sorted(parse_qsl(e["query"], strict_parsing=True)),
                         [("q", "1"), ("rp", "2"), ("sp", "1")], e["uri"])

    # ---- timeouts --------------------------------------------------------------------
    def test_timeout(self):
        text = scenario(r'''
        molotov.scenario("a_caught", 1, function(session)
          local ok, err = pcall(session.get, session, T .. "/delay/3", { timeout = 0.5 })
          assert(not ok, "a 3 s answer beat a 0.5 s timeout")
          starts(err, "timeout: ", "timeout error")
          has(err, T .. "/delay/3", "timeout error names the URL")
          -- the session still works after a timeout
          local r = session:get(T .. "/anything/timeout/after", { timeout = 5, connect_timeout = 2 })
          eq(r.status, 200, "request after a timeout")
        end)
        molotov.scenario("b_uncaught", 1, function(session)
          session:get(T .. "/delay/3", { timeout = 0.5 }) -- MARK:uncaught
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1, 1)
        self.assert_failure_listed(res, text, "MARK:uncaught",
                                   re.escape("timeout: " + self.hb.url + "/delay/3"))
        # two 0.5 s timeouts, not two 3 s waits
        self.assertLess(res.duration, 3.3, res)

    def test_cli_timeout_is_the_default(self):
        text = scenario(r'''
        molotov.scenario("cli_timeout", 1, function(session)
          local ok, err = pcall(session.get, session, T .. "/delay/3")
          assert(not ok, "--timeout 0.5 not applied")
          starts(err, "timeout: ", "timeout error")
          local r = session:get(T .. "/delay/1", { timeout = 5 })
          eq(r.status, 200, "request timeout over --timeout")
        end)
        ''')
        res = self.run_scenario(text, args=("--single-run", "-v", "--timeout", "0.5",
                                            "--connect-timeout", "2"))
        self.assert_run(res, 1)
        self.assertLess(res.duration, 3.3, res)

    # ---- transport errors -----------------------------------------------------------
    def test_transport_errors(self):
        dead = f"http://127.0.0.1:{harness.free_port()}"
        text = scenario(r'''
        local DEAD = os.getenv("DEAD")
        molotov.scenario("a_caught", 1, function(session)
          local ok, err = pcall(session.get, session, DEAD .. "/caught")
          assert(not ok, "connected to a dead port")
          starts(err, "connection refused: ", "refused")
          has(err, DEAD .. "/caught", "refused names the URL")
          ok, err = pcall(session.get, session, "http://nonexistent.invalid/caught")
          assert(not ok, "resolved a .invalid name")
          starts(err, "dns failure: ", "dns")
          has(err, "http://nonexistent.invalid/caught", "dns names the URL")
          -- the session still works afterwards
          eq(session:get(T .. "/anything/transport/after").status, 200, "after errors")
        end)
        molotov.scenario("b_refused", 1, function(session)
          session:post(DEAD .. "/uncaught", { json = { a = 1 } }) -- MARK:refused
        end)
        molotov.scenario("c_dns", 1, function(session)
          session:get("http://nonexistent.invalid/uncaught") -- MARK:dns
        end)
        ''')
        self.assertFalse(harness.port_accepts(int(dead.rsplit(":", 1)[1])))
        res = self.run_scenario(text, env={"DEAD": dead})
        self.assert_run(res, 1, 2)
        self.assertIn("Failures", res.stdout)
        self.assert_failure_listed(res, text, "MARK:refused",
                                   re.escape(f"connection refused: {dead}/uncaught"))
        self.assert_failure_listed(res, text, "MARK:dns",
                                   re.escape("dns failure: http://nonexistent.invalid/uncaught"))

    # ---- responses -----------------------------------------------------------------
    def test_response_fields(self):
        text = scenario(r'''
        molotov.scenario("response", 1, function(session)
          local url = T .. "/response-headers?X-Custom-Thing=abc"
          local r = session:get(url)
          eq(math.type(r.status), "integer", "status type")
          eq(r.status, 200, "status")
          eq(r.ok, true, "ok")
          eq(r.url, url, "url")
          eq(r.headers["content-type"], "application/json", "content-type")
          eq(r.headers["Content-Type"], "application/json", "Content-Type")
          eq(r.headers["CONTENT-TYPE"], "application/json", "CONTENT-TYPE")
          eq(r.headers["x-custom-thing"], "abc", "x-custom-thing")
          eq(r.headers["X-Custom-Thing"], "abc", "X-Custom-Thing")
          eq(r.headers["x-not-there"], nil, "missing header")
          eq(type(r.body), "string", "body type")
          eq(#r.body, tonumber(r.headers["content-length"]), "body length")
          eq(json.decode(r.body)["X-Custom-Thing"], "abc", "body")
          eq(r:json()["X-Custom-Thing"], "abc", "json()")

          -- JSON null
          local j = session:post(T .. "/anything/resp/null",
                                 { json = { a = json.null, b = { 1, json.null, 3 } } }):json()
          eq(j.json.a, json.null, "null member")
          eq(j.json.b[2], json.null, "null element")
          eq(#j.json.b, 3, "array with a null")
          eq(j.files ~= nil and next(j.files), nil, "empty object")

          -- not JSON
          r = session:get(T .. "/html")
          eq(r.status, 200, "/html")
          local ok, err = pcall(r.json, r)
          assert(not ok, "HTML decoded as JSON")
          eq(type(err), "string", "json() error")

          -- resp.ok; no status code fails by itself
          for code, want in pairs({ [200] = true, [201] = true, [204] = true, [302] = true,
                                    [304] = true, [404] = false, [418] = false, [500] = false,
                                    [503] = false }) do
            r = session:get(T .. "/status/" .. code, { follow_redirects = false })
            eq(r.status, code, "status of /status/" .. code)
            eq(r.ok, want, "ok of " .. code)
          end

          -- elapsed
          r = session:get(T .. "/delay/1")
          assert(r.elapsed >= 1.0 and r.elapsed < 5, "elapsed of /delay/1: " .. r.elapsed)
          r = session:get(T .. "/anything/resp/fast")
          assert(r.elapsed >= 0 and r.elapsed < 1.0, "elapsed of a fast request: " .. r.elapsed)
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)

    def test_status_codes_never_fail_a_scenario(self):
        text = scenario(r'''
        molotov.scenario("server_error", 1, function(session)
          session:get(T .. "/status/500")
        end)
        molotov.scenario("not_found", 1, function(session)
          session:delete(T .. "/status/404")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 2)
        self.hb.wait_for_count(1, path="/status/404", method="DELETE")
        self.assertGreaterEqual(self.hb.count(path="/status/500", status=500), 1)

    def test_json_helpers(self):
        text = scenario(r'''
        molotov.scenario("json", 1, function(session)
          local s = json.encode({ a = 1, b = "x", c = { 1, 2, 3 }, d = json.null, e = true,
                                  f = 1.5 })
          local back = json.decode(s)
          eq(back.a, 1, "a")
          eq(back.b, "x", "b")
          eq(#back.c, 3, "c")
          eq(back.c[2], 2, "c[2]")
          eq(back.d, json.null, "d")
          eq(back.e, true, "e")
          eq(back.f, 1.5, "f")
          eq(json.encode("a\"b\n"), '"a\\"b\\n"', "string escapes")
          eq(json.encode(json.null), "null", "encode null")
          eq(json.encode({ 1, 2, 3 }), "[1,2,3]", "encode array")
          eq(json.decode("null"), json.null, "decode null")
          eq(json.decode('"\\u00e9"'), "\u{e9}", "unicode escape")
          eq(json.decode("[1, 2, 3]")[3], 3, "array")
          eq(json.decode('{"a": {"b": [false]}}').a.b[1], false, "nested")
          for _, bad in ipairs({ "{not json", "[1, 2", "", "nul", '{"a" 1}' }) do
            local ok = pcall(json.decode, bad)
            assert(not ok, "decoded invalid JSON: " .. bad)
          end
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)

    # ---- options -------------------------------------------------------------------
    def test_request_options_accepted_and_rejected(self):
        text = scenario(r'''
        molotov.scenario("options", 1, function(session)
          local P = T .. "/anything/opts/"
          eq(session:get(P .. "v11", { http_version = "1.1" }).status, 200, "http_version 1.1")
          local ok, err = pcall(session.get, session, P .. "badver", { http_version = "3" })
          assert(not ok, "http_version 3 accepted")
          has(err, "http_version", "bad http_version")
          eq(session:get(P .. "named", { name = "my label" }).status, 200, "name")
          ok, err = pcall(session.get, session, P .. "unknown", { bogus_option = 1 })
          assert(not ok, "unknown option accepted")
          has(err, "bogus_option", "unknown option")
          eq(session:get(P .. "verify-off", { verify = false }).status, 200, "verify=false")
          eq(session:get(P .. "verify-on", { verify = true }).status, 200, "verify=true")
          eq(session:get(P .. "ct", { connect_timeout = 1.5 }).status, 200, "connect_timeout")
        end)
        ''')
        res = self.run_scenario(text)
        self.assert_run(res, 1)
        self.hb.wait_for_count(1, path="/anything/opts/ct")
        for leaf, n in (("v11", 1), ("badver", 0), ("named", 1), ("unknown", 0),
                        ("verify-off", 1), ("verify-on", 1)):
            self.assertEqual(self.hb.count(path="/anything/opts/" + leaf), n, leaf)

    def test_unknown_option_in_setup_is_reported(self):
        text = scenario(r'''
        molotov.setup(function(worker_id, args)
          return { headers = { ["X-A"] = "a" }, bogus_setup_option = true }
        end)
        molotov.scenario("never", 1, function(session)
          session:get(T .. "/anything/setup-bogus")
        end)
        ''')
        res = self.run_scenario(text)
        self.assertNotEqual(res.rc, 0, res)
        self.assertIn("bogus_setup_option", res.stdout + res.stderr, res)
        self.assertEqual(self.hb.count(path="/anything/setup-bogus"), 0)

    def test_insecure_flag_accepted(self):
        text = scenario(r'''
        molotov.scenario("insecure", 1, function(session)
          eq(session:get(T .. "/anything/insecure").status, 200, "with --insecure")
          eq(session:get(T .. "/anything/insecure", { verify = true }).status, 200,
             "verify=true with --insecure")
        end)
        ''')
        res = self.run_scenario(text, args=("--single-run", "-v", "--insecure"))
        self.assert_run(res, 1)
        self.hb.wait_for_count(2, path="/anything/insecure")

    # ---- connections (nginx) -----------------------------------------------------------
    def test_keep_alive_with_nginx(self):
        text = scenario(r'''
        molotov.scenario("root", 1, function(session)
          local r = session:get(T .. "/")
          eq(r.status, 200, "status")
          eq(r.body, "molotov e2e ok\n", "body")
        end)
        ''')
        res = self.run_scenario(text, args=("-w", "2", "-r", "50"), target=self.ng.url)
        self.assert_run(res, 100)
        self.ng.wait_for_count(100, path="/")
        entries = self.ng.entries(path="/")
        self.assertEqual(len(entries), 100)
        connections = {e["connection"] for e in entries}
        self.assertLessEqual(len(connections), 2, f"{len(connections)} connections for 100 GETs")
        self.assertEqual(max(e["connection_requests"] for e in entries) * len(connections) >= 50,
                         True, entries[-5:])

    # ---- -vv -----------------------------------------------------------------------------
    def test_vv_masks_secrets(self):
        token = "tok" + uuid.uuid4().hex
        password = "pw" + uuid.uuid4().hex
        cookie = "ck" + uuid.uuid4().hex
        basic = base64.b64encode(f"user:{password}".encode()).decode()
        text = scenario(r'''
        molotov.scenario("secrets", 1, function(session)
          local r = session:get(T .. "/vv/login")
          eq(r.status, 200, "login")
          has(r.headers["set-cookie"], "sid=", "Set-Cookie")
          session:get(T .. "/vv/private", { headers = { Authorization = "Bearer " .. os.getenv("TOKEN") } })
          session:get(T .. "/vv/private", { auth = { "user", os.getenv("PASSWORD") } })
          session:get(T .. "/vv/private", { cookies = { pc = os.getenv("COOKIE") } })
        end)
        ''')
        res = self.run_scenario(text, args=("--single-run", "-vv"), target=self.ng.url,
                                env={"TOKEN": token, "PASSWORD": password, "COOKIE": cookie})
        self.assert_run(res, 1)
        self.ng.wait_for_count(3, path="/vv/private")
        out = res.stdout + res.stderr
        for secret in (token, password, basic, cookie, self.SECRET_COOKIE):
            self.assertNotIn(secret, out, "a secret was printed")
        # the requests and responses are printed, secrets' header names included
        self.assertIn("GET /vv/private", res.stderr)
        self.assertIn("GET /vv/login", res.stderr)
        self.assertRegex(res.stderr, r"HTTP/1\.1 200")
        low = res.stderr.lower()
        self.assertGreaterEqual(low.count("authorization:"), 2, res.stderr)
        self.assertGreaterEqual(low.count("set-cookie:"), 1, res.stderr)
        # the jar's sid on the three later requests, plus "pc" on the last
        self.assertGreaterEqual(low.count("\ncookie:") + low.count(" cookie:"), 3, res.stderr)


if __name__ == "__main__":
    harness.main()
