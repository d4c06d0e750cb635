#!/usr/bin/env python3
"""Soak: molotov at a steady load for a long time (default 600 s), its RSS
sampled every 10 s. After the warm-up (the first 60 s) the RSS must stay
flat: the drift, (last - first) / first over the samples after the warm-up,
and the spread, (max - min) / first, are printed against the 5% target.

  bench/soak.sh                    # 10 minutes
  SOAK_SECONDS=120 bench/soak.sh   # a shorter look

The load: 50 workers with a mixed scenario (successes, 404s that fail their
assertion, JSON encoding and decoding, response headers read, per-request
labels) against nginx from bench/suite.py, at an open-model rate that keeps
the machine from saturating (--rate 3000). Not a test: nothing here runs in CI.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402

SCENARIO = """
local T = os.getenv("TARGET")
molotov.scenario("get", 70, function(s)
  local r = s:get(T .. "/?q=" .. s.step, { name = "GET /" })
  assert(r.status == 200 and r.headers["content-type"])
end)
molotov.scenario("json_miss", 20, function(s)
  local doc = molotov.json.decode(molotov.json.encode({ step = s.step, tags = { "a", "b" } }))
  local r = s:post(T .. "/missing", { json = doc })
  assert(r.status == 200, "missing: " .. r.status)
end)
molotov.scenario("head", 10, function(s)
  assert(s:head(T .. "/").status == 200)
end)
"""


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--molotov", default="build/molotov")
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--rate", type=int, default=3000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="molotov-soak-")
    nginx, url = suite.start_nginx(tmp)
    scen = os.path.join(tmp, "soak.lua")
    with open(scen, "w") as f:
        f.write(SCENARIO)
    argv = [a.molotov, "-q", "-w", "50", "--rate", str(a.rate), "-d", str(a.seconds),
            "--json", os.path.join(tmp, "soak.json"), scen]
    try:
        p = subprocess.Popen(argv, env=dict(os.environ, TARGET=url))
        samples = []
        t0 = time.monotonic()
        while p.poll() is None:
            time.sleep(a.every - (time.monotonic() - t0) % a.every)
            if p.poll() is None:
                samples.append((round(time.monotonic() - t0), rss_kb(p.pid)))
                print(f"{samples[-1][0]:5d} s  {samples[-1][1] / 1024:8.1f} MB", flush=True)
        p.wait()
    finally:
        nginx.terminate()
        nginx.wait()
    import json
    with open(os.path.join(tmp, "soak.json")) as f:
        rep = json.load(f)
    after = [kb for t, kb in samples if t >= a.warmup]
    if len(after) < 2:
        sys.exit("soak: too short to judge")
    drift = (after[-1] - after[0]) / after[0] * 100
    spread = (max(after) - min(after)) / after[0] * 100
    tot = rep["totals"]
    print(f"\nrequests {tot['requests']} ({tot['rps']:.0f}/s), successes {tot['successes']}, "
          f"failures {tot['failures']}")
    print(f"RSS after {a.warmup} s of warm-up: first {after[0] / 1024:.1f} MB, last "
          f"{after[-1] / 1024:.1f} MB, min {min(after) / 1024:.1f}, max {max(after) / 1024:.1f}")
    print(f"drift {drift:+.2f}%  spread {spread:.2f}%  (target: drift under 5%): "
          f"{'met' if abs(drift) < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
