"""WebSockets (issue 13), end to end against an independent server (Debian's
python3-websockets, tests/server/ws_echo.py) that counts the messages it
saw: ws:// with many workers and wss:// with a certificate the test makes,
counts checked against molotov's report; fragments, pings, the close
handshake both ways, the session's headers, cookies and auth in the
handshake (and the answer's Set-Cookie into the jar), and the failures a
scenario sees: a refused upgrade, a broken frame, a timeout."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_tls import make_certificates  # noqa: E402

ECHO = r'''
local U = os.getenv("WSU")
molotov.scenario("chat", 1, function(s)
  local ws = s:ws_connect(U .. "/echo")
  for i = 1, 5 do
    ws:send("message " .. i)
    local data, kind = ws:receive(5)
    assert(data == "message " .. i and kind == "text", tostring(data))
  end
  ws:send_binary("\0\1\2\3")
  local data, kind = ws:receive(5)
  assert(data == "\0\1\2\3" and kind == "binary")
  ws:ping()
  ws:close()
  assert(ws.closed)
end)
'''


def messages(rep):
    q = [v for k, v in rep["requests"].items() if k.startswith("WS ")]
    return (sum(v.get("messages_sent", 0) for v in q), sum(v.get("messages_received", 0) for v in q),
            sum(v.get("bytes_sent", 0) for v in q), sum(v["count"] for v in q))


class WebSockets(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="molotov-ws-")

    def run_ws(self, server, text, args=("-r", "1"), env=None):
        out = os.path.join(self.tmp, "r.json")
        res = harness.run_molotov([*args, "--json", out], scenario_text=text,
                                  env=dict(env or {}, WSU=server.url))
        return res, json.load(open(out))

    def test_many_workers_counted_like_the_server(self):
        with harness.WsEcho() as srv:
            res, rep = self.run_ws(srv, ECHO, args=("-w", "20", "-d", "3"))
            stats = srv.stats()
        self.assertEqual(res.rc, 0, res)
        ok, failed = harness.assert_summary_counts(res.stdout)
        self.assertEqual(failed, 0, res)
        self.assertGreater(ok, 20)
        sent, received, sent_bytes, handshakes = messages(rep)
        self.assertEqual(sent, stats["received"])  # what we sent, it saw
        self.assertEqual(received, stats["sent"])
        self.assertEqual(sent_bytes, stats["received_bytes"])
        self.assertEqual(handshakes, stats["connections"])
        self.assertEqual(sent, 6 * ok)
        self.assertEqual(rep["requests"]["WS /echo"]["status"], {"101": handshakes})
        self.assertRegex(res.stdout, r"WS /echo\s+[\d,]+\s+0\s")  # counts grouped: 2,364
        self.assertIn(f"messages: sent {sent:,} (", res.stdout)

    def test_a_named_connection_is_one_row(self):
        # the handshake and the messages of ws_connect(url, {name=...}) are
        # counted on the one row of that name
        text = r'''
local U = os.getenv("WSU")
molotov.scenario("named", 1, function(s)
  local ws = s:ws_connect(U .. "/echo", { name = "chat-ws" })
  ws:send("hello")
  assert(ws:receive(5) == "hello")
  ws:close()
end)
'''
        with harness.WsEcho() as srv:
            res, rep = self.run_ws(srv, text)
        self.assertEqual(res.rc, 0, res)
        rows = rep["requests"]
        self.assertEqual(list(rows), ["chat-ws"], rows)
        row = rows["chat-ws"]
        self.assertEqual((row["count"], row.get("messages_sent"), row.get("messages_received")),
                         (1, 1, 1), row)
        self.assertNotIn("#2", res.stdout)

    def test_wss_with_a_certificate_of_the_test(self):
        d = tempfile.mkdtemp(prefix="molotov-wss-")
        ca, cert, key = make_certificates(d)
        with harness.WsEcho(tls=(cert, key)) as srv:
            res, rep = self.run_ws(srv, ECHO, args=("-w", "4", "-r", "3", "--cacert", ca))
            stats = srv.stats()
            bad, _ = self.run_ws(srv, "molotov.scenario('x', 1, function(s)\n"
                                 "  s:ws_connect(os.getenv('WSU') .. '/echo')\nend)\n")
        self.assertEqual(harness.assert_summary_counts(res.stdout), (12, 0), res)
        sent, received, _, handshakes = messages(rep)
        self.assertEqual((sent, received, handshakes), (stats["received"], stats["sent"], 12))
        self.assertIn("tls error: wss://127.0.0.1:", bad.stdout)  # without --cacert

    def test_handshake_carries_the_session(self):
        text = r'''
        local U = os.getenv("WSU")
        molotov.setup(function() return { headers = { ["X-Team"] = "load" }, auth = { "u", "pw" } } end)
        molotov.scenario("h", 1, function(s)
          s:set_cookie("sid", "42", { domain = "127.0.0.1" })
          local ws = s:ws_connect(U .. "/echo", { headers = { ["X-Req"] = "1" } })
          ws:close()
          s:ws_connect(U .. "/cookie"):close() -- its answer's Set-Cookie goes into the jar
          assert(s:cookies_for(U .. "/").ws == "1", "the upgrade answer's cookie")
          assert(s:cookies_for("http://127.0.0.1/").ws == "1", "for http too")
          s:ws_connect(U .. "/echo", { headers = { ["X-Req"] = "1" } }):close()
        end)
        '''
        with harness.WsEcho() as srv:
            res, rep = self.run_ws(srv, text)
            h = srv.stats()["headers"]
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        self.assertEqual(h.get("X-Team"), "load")
        self.assertEqual(h.get("X-Req"), "1")
        self.assertEqual(h.get("Cookie"), "sid=42; ws=1")  # of the last handshake
        self.assertEqual(h.get("Authorization"), "Basic dTpwdw==")

    def test_fragments_server_close_and_failures(self):
        text = r'''
        local U = os.getenv("WSU")
        molotov.scenario("f", 1, function(s)
          local ws = s:ws_connect(U .. "/frag")
          local data, kind = ws:receive(5)
          assert(data == "abcdefghi" and kind == "text", "reassembled: " .. tostring(data))
          ws:close()
          ws = s:ws_connect(U .. "/close")
          ws:send("x")
          local reason, k, code = ws:receive(5)
          assert(k == "close" and code == 4001 and reason == "bye", tostring(reason))
          assert(ws.closed)
          local ok, err = pcall(s.ws_connect, s, U .. "/refuse")
          assert(not ok and err:find("upgrade refused: ws://", 1, true), err)
          assert(err:find("(status 404)", 1, true), err)
          ws = s:ws_connect(U .. "/broken")
          ok, err = pcall(ws.receive, ws, 5)
          assert(not ok and err:find("malformed response: ws://", 1, true), err)
          ws = s:ws_connect(U .. "/echo")
          ok, err = pcall(ws.receive, ws, 0.2)
          assert(not ok and err:find("timeout: ws://", 1, true), err)
          ws:send("still usable")
          assert(ws:receive(5) == "still usable")
          ws:close()
          ok, err = pcall(s.ws_connect, s, "ws://127.0.0.1:" .. os.getenv("DEAD") .. "/x")
          assert(not ok and err:find("connection refused: ws://", 1, true), err)
        end)
        '''
        with harness.WsEcho() as srv:
            res, rep = self.run_ws(srv, text, env={"DEAD": str(harness.free_port())})
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        # two origins (the dead port's): the labels carry them
        q = {k.rsplit("/", 1)[1]: v for k, v in rep["requests"].items()}
        self.assertEqual(q["refuse"]["failed_4xx"], 1)
        self.assertEqual(q["refuse"]["status"], {"404": 1})
        self.assertEqual(q["x"]["errors_by_kind"], {"connection refused": 1})
        self.assertEqual(q["frag"]["messages_received"], 1)

    def test_review_mends(self):
        text = r'''
        local U = os.getenv("WSU")
        molotov.setup(function() return { headers = { ["X-Tok"] = "session" },
                                          cookies = { seeded = "1" } } end)
        molotov.scenario("m", 1, function(s)
          s:set_cookie("sec", "2", { domain = "127.0.0.1", secure = true })
          local ws = s:ws_connect(U .. "/echo", { headers = { ["x-tok"] = "request",
                                                            Authorization = "Bearer t",
                                                            Host = "evil" },
                                                auth = { "u", "p" } })
          ws:close()
          local ok, err = pcall(s.ws_connect, s, U .. "/echo", { nope = 1 })
          assert(not ok and err:find("unknown ws_connect option 'nope'", 1, true), err)
          ok, err = pcall(ws.close, ws, 1000, string.rep("x", 124))
          assert(not ok and err:find("at most 123 bytes", 1, true), err)
        end)
        '''
        with harness.WsEcho() as srv:
            res, rep = self.run_ws(srv, text)
            h = srv.stats()["headers"]
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        self.assertEqual(h.get("x-tok") or h.get("X-Tok"), "request")  # once, the request's
        self.assertNotIn("X-Tok", h) if "x-tok" in h else None
        self.assertEqual(h.get("Authorization"), "Bearer t")  # the explicit header wins
        self.assertEqual(h.get("Host"), f"127.0.0.1:{srv.port}")
        self.assertEqual(h.get("Cookie"), "seeded=1")  # not the secure one over ws://

    def test_handshakes_without_an_upgrade_are_recorded_by_kind(self):
        import socket
        import threading
        srv = socket.socket()
        srv.bind((harness.LOOPBACK, 0))
        srv.listen(8)
        port = srv.getsockname()[1]

        def serve():  # first connection: closed at once; second: garbage
            for answer in (b"", b"garbage\r\n\r\n"):
                c, _ = srv.accept()
                c.recv(4096)
                if answer:
                    c.sendall(answer)
                c.close()
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        text = r'''
        molotov.scenario("h", 1, function(s)
          local U = "ws://127.0.0.1:" .. os.getenv("PORT")
          local ok, err = pcall(s.ws_connect, s, U .. "/a")
          assert(not ok and err:find("empty response: ws://", 1, true), err)
          ok, err = pcall(s.ws_connect, s, U .. "/b")
          assert(not ok and err:find("malformed response: ws://", 1, true), err)
        end)
        '''
        out = os.path.join(self.tmp, "h.json")
        res = harness.run_molotov(["-r", "1", "--json", out], scenario_text=text,
                                  env={"PORT": str(port)})
        t.join(10)
        srv.close()
        self.assertEqual(harness.assert_summary_counts(res.stdout), (1, 0), res)
        q = json.load(open(out))["requests"]
        self.assertEqual(q["WS /a"]["errors_by_kind"], {"empty response": 1})
        self.assertEqual(q["WS /b"]["errors_by_kind"], {"malformed response": 1})
        self.assertEqual(q["WS /b"]["transport_errors"], 1)

    def test_one_waiter_at_a_time(self):
        text = r'''
        local U = os.getenv("WSU")
        molotov.scenario("share", 1, function(s)
          if s.worker_id == 0 then
            shared = s:ws_connect(U .. "/echo")
            local ok, err = pcall(shared.receive, shared, 1)
            assert(not ok and err:find("timeout", 1, true), err)
          else
            molotov.sleep(0.3)
            local ok, err = pcall(shared.receive, shared, 1)
            assert(not ok and err:find("waited on by worker 0", 1, true), err)
          end
        end)
        '''
        with harness.WsEcho() as srv:
            res, _ = self.run_ws(srv, text, args=("-w", "2", "-r", "1"))
        self.assertEqual(harness.assert_summary_counts(res.stdout), (2, 0), res)
        self.assertLess(res.duration, 10, res)

    @unittest.skipIf(harness.sanitized_build() or not shutil.which("valgrind"),
                     "valgrind with a plain build")
    def test_valgrind_clean(self):
        script = os.path.join(self.tmp, "ws.lua")
        with open(script, "w") as f:
            f.write(ECHO + "\nlocal kept = {}\nmolotov.scenario('open', 1, function(s)\n"
                    "  kept[#kept + 1] = s:ws_connect(os.getenv('WSU') .. '/push/2')\nend)\n")
        with harness.WsEcho() as srv:
            p = subprocess.run(["valgrind", "--leak-check=full", "--error-exitcode=42",
                                "--errors-for-leak-kinds=definite,indirect", "-q",
                                harness.molotov_bin(), "-w", "4", "-d", "2", "-q", script],
                               env=dict(os.environ, WSU=srv.url), capture_output=True,
                               text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr[-4000:])


if __name__ == "__main__":
    harness.main()
