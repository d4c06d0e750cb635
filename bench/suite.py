#!/usr/bin/python3
"""bench/suite.py: the benchmark suite of issue 6 (bench/run.sh installs, builds and runs it).

Starts nginx (one worker process, `return 200 "hello\\n"`, access log off, big
worker_connections and worker_rlimit_nofile) on a free loopback port and runs one
after the other, each for the same duration:
  wrk -t1 -c50, wrk -t1 -c10000, h2load --h1 -t1 -c50, Molotov 2.1 -w 50 -x (Python: GET, assert 200),
  the bare libcurl-multi + libuv loop (bench/bare.c, 50 transfers),
  molotov -w 50 (Lua: GET, assert the status), -w 50 -q, -w 100, -w 1000, -w 10000
  (the default engine: native for these plain-http requests), and --engine curl at
  -w 50 and -w 10000,
then the --single-run start-up of a one-request scenario, molotov against Molotov
(end-to-end wall time, best of 5, hyperfine when installed).

Prints per run requests/s, client CPU per request (user + system from wait4 of that
process, which includes the children it reaped), peak RSS, and molotov's ratios.
Not a test: nothing here asserts a speed.
"""
import argparse
import json
import os
import platform
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time

LUA = """
local T = os.getenv("TARGET")
molotov.scenario("get", 1, function(s)
  assert(s:get(T .. "/").status == 200)
end)
"""
PY = """
import os
from molotov import scenario

URL = os.environ["TARGET"] + "/"


@scenario(weight=100)
async def get(session):
    async with session.get(URL) as resp:
        assert resp.status == 200
"""
# Debian 12's /usr/bin/molotov is an easy-install entry script that asks
# pkg_resources for 'multiprocessing_on_dill', which Debian does not ship (molotov
# never imports it): it dies before running anything. When it does, run the same
# entry point (molotov.run.main of the Debian package) without that check.
# (main() returns its counters, which sys.exit() of the entry script turns into
# exit code 1 even on success: the wrapper exits 0 instead.)
MOLOTOV_PY_MAIN = ("import sys; from molotov.run import main; "
                   "sys.argv[0] = 'molotov'; main()")


def molotov_py_argv():
    if subprocess.run(["/usr/bin/molotov", "--version"], capture_output=True).returncode == 0:
        return ["/usr/bin/molotov"], "/usr/bin/molotov"
    return (["/usr/bin/python3", "-c", MOLOTOV_PY_MAIN],
            "/usr/bin/python3 -c 'from molotov.run import main; main()' (Debian's "
            "/usr/bin/molotov fails: missing multiprocessing_on_dill)")


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
worker_rlimit_nofile 65536;
events {{ worker_connections 30000; }}
http {{
  access_log off; keepalive_requests 100000000; keepalive_timeout 300s;
  client_body_temp_path {tmp}/cb; proxy_temp_path {tmp}/px; fastcgi_temp_path {tmp}/fc;
  uwsgi_temp_path {tmp}/uw; scgi_temp_path {tmp}/sc;
  server {{ listen 127.0.0.1:{port} backlog=16384;
           location = / {{ return 200 "hello\\n"; }} }}
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
    """(stdout, wall seconds, CPU seconds, peak RSS in KB) of one run, from wait4 of
    that process: its rusage includes the children it waited for."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read()
        if proc.returncode not in (0, 1):
            sys.stderr.write(f"bench: {shlex.join(argv)} exited {proc.returncode}\n{err.read()[-2000:]}")
        return text, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


class Row:
    def __init__(self, key, name, n, failed, secs, cpu, rss, workers=None):
        self.key, self.name, self.n, self.failed, self.secs = key, name, n, failed, secs
        self.rps = n / secs
        self.cpu_us = cpu / n * 1e6 if n else float("nan")
        self.rss_kb = rss
        self.workers = workers


def best_of(cmd, env, runs=5, ok_codes=(0,)):
    """Best end-to-end wall time (s) of cmd over `runs` runs, after one warm-up."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as js:
            subprocess.run(["hyperfine", "-N", "-w", "1", "-r", str(runs), "--style", "none",
                            *(["-i"] if ok_codes != (0,) else []),
                            "--export-json", js.name, shlex.join(cmd)],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            return min(json.load(open(js.name))["results"][0]["times"]), "hyperfine -N, best of 5"
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if rc not in ok_codes:
            raise SystemExit(f"bench: {shlex.join(cmd)} exited {rc}")
        if i:
            times.append(time.perf_counter() - t0)
    return min(times), "Python timer, best of 5"


def version(argv, pattern):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        m = re.search(pattern, p.stdout + p.stderr)
        return m.group(1) if m else "?"
    except OSError:
        return "?"


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    distro = "?"
    try:
        distro = re.search(r'PRETTY_NAME="([^"]*)"', open("/etc/os-release").read()).group(1)
    except (OSError, AttributeError):
        pass
    curl = version(["curl", "--version"], r"libcurl/(\S+)")
    nginx = version(["/usr/sbin/nginx", "-v"], r"nginx/(\S+)")
    wrk = version(["wrk", "-v"], r"wrk (\S+)")
    h2 = version(["h2load", "--version"], r"nghttp2/(\S+)")
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {distro}, kernel {platform.release()}; "
            f"libcurl {curl}, nginx {nginx}, wrk {wrk}, h2load (nghttp2 {h2})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--molotov", default="build/molotov")
    ap.add_argument("--bare", default="build/bench-bare")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    secs = a.seconds
    mol = os.path.abspath(a.molotov)

    tmp = tempfile.mkdtemp(prefix="molotov-bench-")
    lua, py = os.path.join(tmp, "bench.lua"), os.path.join(tmp, "bench_py.py")
    open(lua, "w").write(LUA)
    open(py, "w").write(PY)
    mpy, mpy_desc = molotov_py_argv()
    nginx, url = start_nginx(tmp)
    env = dict(os.environ, TARGET=url)
    rows, notes = [], []

    def step(msg):
        print(f"bench: {msg}", file=sys.stderr, flush=True)

    try:
        step(f"nginx on {url}; {secs} s per run")
        def wrk(key, conns):
            step(f"wrk -t1 -c{conns}")
            out, _, cpu, rss = measured(["wrk", "-t1", f"-c{conns}", f"-d{secs}s", url + "/"])
            m = re.search(r"(\d+) requests in ([\d.]+)s", out)
            bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            rows.append(Row(key, f"wrk -t1 -c{conns}", int(m.group(1)),
                            int(bad.group(1)) if bad else 0, float(m.group(2)), cpu, rss))

        wrk("wrk", 50)
        wrk("wrk10k", 10000)

        step("h2load --h1 -t1 -c50")
        out, _, cpu, rss = measured(["h2load", "--h1", "-t1", "-c50", "-D", str(secs), url + "/"])
        m = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed", out)
        t = float(re.search(r"finished in ([\d.]+)s", out).group(1))
        rows.append(Row("h2load", "h2load --h1 -t1 -c50", int(m.group(1)), int(m.group(3)), t, cpu, rss))

        step("Molotov 2.1 -w 50 -x")
        out, _, cpu, rss = measured([*mpy, "-w", "50", "-d", str(secs), "-x", py], env)
        m = re.findall(r"SUCCESSES: (\d+) \| FAILURES: (\d+)", out)[-1]
        rows.append(Row("Molotov", "Molotov 2.1 -w 50 -x (Python)", int(m[0]) + int(m[1]), int(m[1]),
                        secs, cpu, rss))

        step("bare libcurl loop, 50 transfers")
        out, _, cpu, rss = measured([os.path.abspath(a.bare), url + "/", "50", str(secs)])
        m = re.search(r"requests: (\d+) errors: (\d+) seconds: ([\d.]+)", out)
        rows.append(Row("bare", "bare libcurl + libuv loop, 50 transfers", int(m.group(1)), int(m.group(2)),
                        float(m.group(3)), cpu, rss))

        def molotov(key, shape, quiet=False):
            step(f"molotov {' '.join(shape)}" + (" -q" if quiet else ""))
            # the counts and the duration come from --json in both modes: -d is how long
            # workers keep starting scenarios, duration_s includes finishing those in flight
            js = os.path.join(tmp, f"{key}.json")
            argv = [mol, *shape, "-d", str(secs), "--json", js] + (["-q"] if quiet else [])
            out, _, cpu, rss = measured(argv + [lua], env)
            j = json.load(open(js))
            ok, ko = j["totals"]["successes"], j["totals"]["failures"]
            name = f"molotov {' '.join(shape)}" + (" -q (quiet)" if quiet else "")
            rows.append(Row(key, name, ok + ko, ko, j["duration_s"], cpu, rss, int(shape[-1])))

        molotov("w50", ["-w", "50"])
        molotov("w50q", ["-w", "50"], quiet=True)
        molotov("w100", ["-w", "100"])
        molotov("w1000", ["-w", "1000"])
        molotov("w10000", ["-w", "10000"])
        molotov("curl50", ["--engine", "curl", "-w", "50"])
        molotov("curl10000", ["--engine", "curl", "-w", "10000"])

        step("--single-run start-up")
        lua1 = os.path.join(tmp, "one.lua")
        py1 = os.path.join(tmp, "one_py.py")
        open(lua1, "w").write(LUA)
        open(py1, "w").write(PY)
        t_mol, how = best_of([mol, "--single-run", lua1], env)
        # /usr/bin/molotov exits 1 even on success (see MOLOTOV_PY_MAIN)
        t_py, _ = best_of([*mpy, "--single-run", py1], env,
                          ok_codes=(0, 1) if mpy[0] == "/usr/bin/molotov" else (0,))
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    by = {r.key: r for r in rows}
    base = by["w50"]
    lines = []
    p = lines.append
    p(f"Machine: {machine()}")
    p(f"Molotov 2.1: {mpy_desc}")
    p(f"Duration of every run: {secs} s. requests/s = completed requests / the run's own duration "
      f"(wrk's, h2load's, bare's and molotov's --json duration_s, which includes finishing the "
      f"scenarios in flight at the deadline); for Molotov 2.1, / {secs}")
    p("")
    p("| client | requests/s | failed | client CPU per request | peak RSS | molotov -w 50 vs it (req/s) | (CPU/req) |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        rss = f"{r.rss_kb / 1024:.1f} MB"
        if r.workers and r.workers >= 1000:
            rss += f" ({r.rss_kb / r.workers:.1f} KB/worker)"
        if r.workers or r.key == "wrk10k":
            vs = ("-", "-")
        else:
            vs = (f"{base.rps / r.rps:.2f}x", f"{base.cpu_us / r.cpu_us:.2f}x")
        p(f"| {r.name} | {r.rps:,.0f} | {r.failed} | {r.cpu_us:.1f} us | {rss} | {vs[0]} | {vs[1]} |")
    p("")
    p(f"--single-run of a one-request scenario, end to end ({how}): molotov {t_mol * 1000:.1f} ms, "
      f"Molotov 2.1 {t_py * 1000:.1f} ms: {t_py / t_mol:.1f}x faster")
    p("")
    p("Against the targets of issue 6 (figures, not verdicts):")
    mp = by["Molotov"]
    bare = by["bare"]
    q = by["w50q"]
    w100, w10k = by["w100"], by["w10000"]
    p(f"- requests/s vs Molotov 2.1 at -w 50: {base.rps / mp.rps:.1f}x (target >= 10x)")
    p(f"- vs the bare libcurl loop: CPU/request {base.cpu_us / bare.cpu_us:.2f}x (target <= 1.15x), "
      f"requests/s {base.rps / bare.rps:.2f}x (target >= 0.85x); with -q: CPU/request "
      f"{q.cpu_us / bare.cpu_us:.2f}x, requests/s {q.rps / bare.rps:.2f}x")
    p(f"- vs wrk: requests/s {base.rps / by['wrk'].rps:.2f}x, CPU/request {base.cpu_us / by['wrk'].cpu_us:.2f}x; "
      f"vs h2load: {base.rps / by['h2load'].rps:.2f}x, {base.cpu_us / by['h2load'].cpu_us:.2f}x")
    p(f"- -w 10000 vs -w 100: requests/s {w10k.rps / w100.rps:.2f}x (target >= 0.7x), "
      f"{w10k.rss_kb / 10000:.1f} KB RSS per worker (target <= 32 KB; "
      f"{(w10k.rss_kb - w100.rss_kb) / 9900:.1f} KB per added worker over -w 100)")
    p("")
    p("Against the targets of issue 17 (the native transport; figures, not verdicts):")
    wrk, wrk10k, c50, c10k = by["wrk"], by["wrk10k"], by["curl50"], by["curl10000"]
    p(f"- -w 50 vs wrk -t1 -c50: requests/s {base.rps / wrk.rps:.2f}x (target >= 0.75x), "
      f"CPU/request {base.cpu_us / wrk.cpu_us:.2f}x (target <= 1.4x)")
    p(f"- -w 10000 vs wrk -t1 -c10000: requests/s {w10k.rps / wrk10k.rps:.2f}x (target >= 0.75x), "
      f"{w10k.rss_kb / 10000:.1f} KB RSS per worker (target <= 12 KB)")
    p(f"- -w 50 vs Molotov 2.1 -w 50: {base.rps / mp.rps:.1f}x (target >= 20x)")
    p(f"- --engine curl: -w 50 {c50.rps:,.0f} req/s, {c50.cpu_us:.1f} us/req; -w 10000 "
      f"{c10k.rps:,.0f} req/s, {c10k.rss_kb / 10000:.1f} KB/worker (the curl path, beside the native one)")
    p(f"- --single-run: {t_py / t_mol:.1f}x faster than Molotov (target >= 10x)")
    p(f"- console + statistics on vs -q: requests/s {base.rps / q.rps:.3f}x of the quiet run, "
      f"CPU/request {base.cpu_us / q.cpu_us:.3f}x (target: < 5% cost)")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        open(a.markdown, "w").write(text + "\n")


if __name__ == "__main__":
    main()
