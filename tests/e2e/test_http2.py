"""--http2 and the http_version option: HTTP/2 with prior knowledge on
http:// against nginx (h2c), and HTTP/1.1 otherwise."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PROTO = """
local T = os.getenv("TARGET")
molotov.scenario("proto", 1, function(s)
  local r = s:get(T .. "/proto", { http_version = os.getenv("VERSION") })
  assert(r.status == 200, r.status)
  print("PROTO " .. r.body)
end)
"""

H2C = 'location = /proto { default_type text/plain; return 200 "$server_protocol"; }'


class Http2(unittest.TestCase):
    def test_http2_flag_uses_h2_prior_knowledge(self):
        # a second listener marked http2 speaks h2c (prior knowledge only);
        # the harness checks readiness on the first, HTTP/1.1 one
        h2port = harness.free_port()
        with harness.Nginx(locations=f"listen 127.0.0.1:{h2port} http2;\n" + H2C) as web:
            harness.wait_until(lambda: harness.port_accepts(h2port), 10, "h2c listener")
            res = harness.run_molotov(["--http2", "-r", "3"], scenario_text=PROTO,
                                      env={"TARGET": f"http://127.0.0.1:{h2port}",
                                           "VERSION": None})
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(res.stdout.count("PROTO HTTP/2.0"), 3, res)
            self.assertEqual(web.wait_for_count(3, path="/proto"), 3)

    def test_default_is_http11_and_option_overrides(self):
        with harness.Nginx(locations=H2C) as web:
            res = harness.run_molotov(["-r", "2"], scenario_text=PROTO,
                                      env={"TARGET": web.url, "VERSION": None})
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(res.stdout.count("PROTO HTTP/1.1"), 2, res)
            res = harness.run_molotov(["--http2", "-r", "2"], scenario_text=PROTO,
                                      env={"TARGET": web.url, "VERSION": "1.1"})
            self.assertEqual(res.rc, 0, res)
            self.assertEqual(res.stdout.count("PROTO HTTP/1.1"), 2, res)


if __name__ == "__main__":
    harness.main()
