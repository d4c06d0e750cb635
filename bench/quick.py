#!/usr/bin/python3
"""bench/quick.py: molotov against wrk on one nginx, in one run.

Starts nginx (one worker, small fixed response, access log off) on a free
loopback port, then runs one after the other:
  wrk -t1 -c50 -d10s, molotov -w 50, -w 100, -p 2 -w 50 and -w 10000
  (each -d 10)
and prints requests/s, client CPU microseconds per request, peak RSS and
molotov's ratio to wrk. Usage: bench/quick.py [path/to/molotov] [seconds]
Not a test: nothing here asserts a speed.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOLOTOV = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "molotov")
SECS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
SCENARIO = """
local T = os.getenv("TARGET")
molotov.scenario("get", 1, function(s)
  assert(s:get(T .. "/").status == 200)
end)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(tmp):
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    user = "user root;" if os.geteuid() == 0 else ""
    with open(conf, "w") as f:
        f.write(f"""{user}
worker_processes 1; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
worker_rlimit_nofile 30000;
events {{ worker_connections 12000; }}
http {{
  access_log off; keepalive_requests 100000000;
  client_body_temp_path {tmp}/cb; proxy_temp_path {tmp}/px; fastcgi_temp_path {tmp}/fc;
  uwsgi_temp_path {tmp}/uw; scgi_temp_path {tmp}/sc;
  server {{ listen 127.0.0.1:{port}; location = / {{ return 200 "hello\\n"; }} }}
}}""")
    proc = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", tmp])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nginx did not start")


def measured(argv, env=None):
    """(stdout, CPU seconds, peak RSS in KB) of one run, from its own rusage
    (with -p, the children's CPU is in the main process's: it waits for them)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, _, ru = os.wait4(proc.pid, 0)
        proc.returncode = 0
        out.seek(0)
        return out.read(), ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def main():
    tmp = tempfile.mkdtemp(prefix="molotov-bench-")
    scen = os.path.join(tmp, "bench.lua")
    with open(scen, "w") as f:
        f.write(SCENARIO)
    nginx, url = start_nginx(tmp)
    rows = []
    try:
        if shutil.which("wrk"):
            out, cpu, rss = measured(["wrk", "-t1", "-c50", f"-d{SECS}s", url + "/"])
            n = int(re.search(r"(\d+) requests in", out).group(1))
            rows.append(("wrk -t1 -c50", n / SECS, cpu / n * 1e6, rss))
        env = dict(os.environ, TARGET=url)
        for shape in (["-w", "50"], ["-w", "100"], ["-p", "2", "-w", "50"], ["-w", "10000"]):
            out, cpu, rss = measured([MOLOTOV, *shape, "-d", str(SECS), scen], env)
            m = re.findall(r"SUCCESSES: (\d+) \| FAILURES: (\d+)$", out, re.M)[-1]
            n = int(m[0]) + int(m[1])
            rows.append((f"molotov {' '.join(shape)}" + (f" ({m[1]} failed)" if m[1] != "0" else ""),
                         n / SECS, cpu / n * 1e6, rss))
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    wrk = rows[0][1] if rows and rows[0][0].startswith("wrk") else None
    print(f"{'client':34} {'req/s':>9} {'CPU us/req':>11} {'peak RSS':>10} {'vs wrk':>7}")
    for name, rps, cpu, rss in rows:
        ratio = f"{rps / wrk:.2f}x" if wrk else "-"
        print(f"{name:34} {rps:9.0f} {cpu:11.1f} {rss / 1024:8.1f}MB {ratio:>7}")


if __name__ == "__main__":
    main()
