#!/usr/bin/env python3
"""Writes the report samples test_report_html.c renders, in the shape
src/report.c produces (same bucket layout as src/hist.c):

  report-sample.json  a 60 s run of 3 scenarios over 5 request labels, with a
                      latency spike and failures in the middle, 2 thresholds
                      (one failing) and an error message holding HTML and a URL
  report-empty.json   a 5 s run that made no request at all
  report-sizing.json  a --sizing run ramping 0..60 workers over 60 s whose
                      throughput grows linearly to ~40 workers then flattens
                      while the errors climb past the 5% tolerance at ~45
                      workers, where it stops; with the --rate block of an
                      open model (200 starts/s, some dropped)

Deterministic (fixed seed): run it again and the files do not change.
Usage: python3 tests/data/make-report-samples.py"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
START_UNIX = 1795322400  # 2026-11-22T04:40:00Z
START_ISO = "2026-11-22T04:40:00.123Z"
SUB = 128


def bucket_of(us):
    us = max(1, int(us))
    if us < SUB:
        return us
    e = us.bit_length() - 1
    return (e - 6) * SUB + (us >> (e - 7)) - SUB


def bucket_bounds(i):
    if i < SUB:
        return i, i
    shift = i // SUB - 1
    lo = (SUB + i % SUB) << shift
    return lo, lo + (1 << shift) - 1


class Hist:
    def __init__(self):
        self.b = {}
        self.vals = []

    def add(self, us):
        us = max(1, int(us))
        self.vals.append(us)
        i = bucket_of(us)
        self.b[i] = self.b.get(i, 0) + 1

    def pct(self, p):
        """Like mt_hist_percentile: bucket midpoint clamped to [min, max], in ms."""
        if not self.vals:
            return 0.0
        v = sorted(self.vals)
        rank = max(1, math.ceil(p / 100 * len(v)))
        lo, hi = bucket_bounds(bucket_of(v[rank - 1]))
        mid = min(max((lo + hi) // 2, v[0]), v[-1])
        return mid / 1e3

    def latency(self):
        if not self.vals:
            keys = ["min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"]
            return {k: 0 for k in keys}
        return {
            "min": min(self.vals) / 1e3,
            "mean": round(sum(self.vals) / len(self.vals) / 1e3, 6),
            "p50": self.pct(50), "p90": self.pct(90), "p95": self.pct(95),
            "p99": self.pct(99), "p99.9": self.pct(99.9),
            "max": max(self.vals) / 1e3,
        }

    def buckets(self):
        out = []
        for i in sorted(self.b):
            lo, hi = bucket_bounds(i)
            out.append({"lo_ms": lo / 1e3, "hi_ms": hi / 1e3, "count": self.b[i]})
        return out


# label -> base latency (ms, median of a lognormal)
LABELS = {
    "GET /": 1.6,
    "GET /products": 4.5,
    "GET /products/:id": 2.4,
    "POST /cart": 7.0,
    "POST /login": 11.0,
}
# scenario -> (weight, requests in order)
SCENARIOS = {
    "browse_catalog": (0.6, ["GET /", "GET /products", "GET /products/:id", "GET /products/:id"]),
    "login": (0.15, ["GET /", "POST /login"]),
    "checkout": (0.25, ["POST /login", "GET /products/:id", "POST /cart"]),
}
SPIKE = (27, 37)  # seconds during which the backend struggles


def sample():
    rnd = random.Random(42)
    total = Hist()
    scn = {name: {"h": Hist(), "runs": 0, "ok": 0, "ko": 0} for name in SCENARIOS}
    req = {lab: {"h": Hist(), "count": 0, "errors": 0, "status": {}, "kinds": {}} for lab in LABELS}
    errors = {}
    timeline = []
    successes = failures = requests = transport = 0
    names = list(SCENARIOS)
    weights = [SCENARIOS[n][0] for n in names]
    for t in range(60):
        spike = SPIKE[0] <= t < SPIKE[1]
        # severity rises and falls over the spike
        sev = math.sin(math.pi * (t - SPIKE[0] + 0.5) / (SPIKE[1] - SPIKE[0])) if spike else 0.0
        ramp = min(1.0, (t + 1) / 3)
        runs = int(rnd.gauss(118, 5) * ramp * (1 - 0.6 * sev))
        tick = Hist()
        tick_ok = tick_ko = tick_req = 0
        for _ in range(runs):
            name = rnd.choices(names, weights)[0]
            s = scn[name]
            run_us = 0.0
            failed = None
            for lab in SCENARIOS[name][1]:
                q = req[lab]
                med = LABELS[lab] * (1 + 22 * sev * (1.6 if lab == "POST /cart" else 1.0))
                ms = med * math.exp(rnd.gauss(0, 0.35 + 0.25 * sev))
                if rnd.random() < 0.002:
                    ms *= rnd.uniform(5, 15)  # the odd slow one
                status = 200 if not lab.startswith("POST") else (201 if lab == "POST /cart" else 200)
                kind = None
                if spike and lab == "POST /cart" and rnd.random() < 0.3 * sev:
                    status = 503
                elif spike and rnd.random() < 0.004 * sev:
                    kind, status, ms = "timeout", None, 5000.0
                elif lab == "GET /products/:id" and rnd.random() < 0.004:
                    status = 404
                elif not spike and rnd.random() < 0.00015:
                    kind, status = "connect", None
                    ms = rnd.uniform(0.2, 0.6)
                us = ms * 1000
                run_us += us + rnd.uniform(30, 120)
                q["count"] += 1
                requests += 1
                tick_req += 1
                q["h"].add(us)
                total.add(us)
                tick.add(us)
                if kind:
                    q["errors"] += 1
                    q["kinds"][kind] = q["kinds"].get(kind, 0) + 1
                    transport += 1
                    msg = {
                        "timeout": f"{name}.lua:31: {lab}: timeout after 5 s",
                        "connect": "curl: (7) Failed to connect to http://127.0.0.1:8080/ "
                                   "(Connection refused)",
                    }[kind]
                    failed = msg
                    break
                q["status"][str(status)] = q["status"].get(str(status), 0) + 1
                if status == 503:
                    failed = (f"{name}.lua:58: expected 201 from {lab}, got 503: "
                              "<html><head><title>503</title><script src=\"/err.js\"></script>"
                              "</head><body>Service Unavailable</body></html>")
                    break
                if status == 404 and name == "browse_catalog":
                    failed = "browse_catalog.lua:22: assertion failed!"
                    break
            s["runs"] += 1
            s["h"].add(run_us)
            if failed:
                s["ko"] += 1
                failures += 1
                tick_ko += 1
                errors[failed] = errors.get(failed, 0) + 1
            else:
                s["ok"] += 1
                successes += 1
                tick_ok += 1
        timeline.append({
            "t": t, "unix": START_UNIX + t, "requests": tick_req,
            "successes": tick_ok, "failures": tick_ko,
            "p50_ms": tick.pct(50), "p99_ms": tick.pct(99),
        })
    dur = 60.0
    runs = successes + failures
    fail_rate = 100.0 * failures / runs
    tl = total.latency()
    return {
        "version": "0.1.0",
        "started_at": START_ISO,
        "duration_s": dur,
        "processes": 2,
        "workers": 25,
        "totals": {
            "successes": successes, "failures": failures, "requests": requests,
            "transport_errors": transport, "cancelled": 0,
            "rps": round(requests / dur, 6), "latency_ms": tl,
        },
        "scenarios": {
            n: {"runs": s["runs"], "successes": s["ok"], "failures": s["ko"],
                "rps": round(s["runs"] / dur, 6), "latency_ms": s["h"].latency()}
            for n, s in scn.items()
        },
        "requests": {
            lab: {"count": q["count"], "errors": q["errors"], "rps": round(q["count"] / dur, 6),
                  "status": dict(sorted(q["status"].items())), "errors_by_kind": q["kinds"],
                  "latency_ms": q["h"].latency()}
            for lab, q in req.items()
        },
        "errors": [{"message": m, "count": c}
                   for m, c in sorted(errors.items(), key=lambda kv: -kv[1])],
        "thresholds": [
            {"expr": "p99<250ms", "value": tl["p99"], "unit": "ms", "passed": tl["p99"] < 250},
            {"expr": "failure_rate<0.5%", "value": round(fail_rate, 6), "unit": "%",
             "passed": fail_rate < 0.5},
        ],
        "timeline": timeline,
        "distribution": total.buckets(),
        "histograms": {"total": "h1:opaque", "scenario_names": list(SCENARIOS)},
    }


def empty():
    zero = {k: 0 for k in ["min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"]}
    return {
        "version": "0.1.0",
        "started_at": "2026-11-22T05:00:00.000Z",
        "duration_s": 5.0,
        "processes": 1,
        "workers": 1,
        "totals": {"successes": 0, "failures": 0, "requests": 0, "transport_errors": 0,
                   "cancelled": 0, "rps": 0, "latency_ms": zero},
        "scenarios": {},
        "requests": {},
        "errors": [],
        "thresholds": [],
        "timeline": [{"t": t, "unix": 1795323600 + t, "requests": 0, "successes": 0,
                      "failures": 0, "p50_ms": 0, "p99_ms": 0} for t in range(5)],
        "distribution": [],
        "histograms": {"total": "h1:0,0,0,0:", "scenario_names": []},
    }


def sizing():
    rnd = random.Random(7)
    start_unix = 1795324200  # 2026-11-22T05:10:00Z
    tol, objective, step_s, reqs_per_run = 5.0, 250.0, 2, 5
    labels = {"GET /": 1.0, "GET /search": 1.6, "GET /items/:id": 0.9, "POST /cart": 1.3,
              "POST /checkout": 2.2}

    def rps_at(w):  # linear to ~40 workers, then flat near 1000 req/s
        return (25.0 * max(w, 0.2)) * (1 + (25.0 * w / 1010) ** 8) ** (-1 / 8)

    def err_at(w):  # % of scenario runs failing
        return 0.01 + (0.15 * (w - 39) ** 2 if w > 39 else 0.0)

    total = Hist()
    req = {lab: {"h": Hist(), "count": 0, "errors": 0, "status": {}} for lab in labels}
    timeline, steps = [], []
    succ = fail = requests = 0
    step_h, step_req, step_runs, step_ko = Hist(), 0, 0, 0
    stop = None
    for t in range(60):
        w = t + 1  # one more worker a second
        rps = rps_at(w) * rnd.gauss(1, 0.02)
        runs = max(1, int(rps / reqs_per_run))
        p50 = 4.0 * (1 + 4 * max(0, w - 36) ** 1.6 / 40)
        p99 = 12 + 0.8 * max(0, w - 33) ** 2
        sigma = math.log(max(p99 / p50, 1.5)) / 2.326
        tick, ok, ko, n = Hist(), 0, 0, 0
        for _ in range(runs):
            failed = rnd.random() * 100 < err_at(w) * rnd.uniform(0.85, 1.15)
            last = rnd.randrange(reqs_per_run) if failed else reqs_per_run - 1
            for i, lab in enumerate(labels):
                if i > last:
                    break
                us = 1000 * p50 * labels[lab] * math.exp(rnd.gauss(0, sigma))
                q = req[lab]
                q["count"] += 1
                q["h"].add(us)
                total.add(us)
                tick.add(us)
                step_h.add(us)
                n += 1
                code = "503" if failed and i == last else "200"
                q["status"][code] = q["status"].get(code, 0) + 1
            if failed:
                ko += 1
            else:
                ok += 1
        succ += ok
        fail += ko
        requests += n
        step_req += n
        step_runs += ok + ko
        step_ko += ko
        timeline.append({"t": t, "unix": start_unix + t, "requests": n, "successes": ok,
                         "failures": ko, "p50_ms": tick.pct(50), "p99_ms": tick.pct(99)})
        if (t + 1) % step_s == 0:
            e = round(100.0 * step_ko / step_runs, 2)
            steps.append({"t": t + 1, "workers": w, "rps": round(step_req / step_s, 1),
                          "error_pct": e, "p99_ms": step_h.pct(99)})
            step_h, step_req, step_runs, step_ko = Hist(), 0, 0, 0
            if e > tol:
                stop = steps[-1]
                break
    dur = float(len(timeline))
    dropped = 20
    return {
        "version": "0.1.0",
        "started_at": "2026-11-22T05:10:00.250Z",
        "duration_s": dur,
        "processes": 1,
        "workers": stop["workers"],
        "totals": {
            "successes": succ, "failures": fail, "requests": requests, "transport_errors": 0,
            "cancelled": 0, "rps": round(requests / dur, 6), "latency_ms": total.latency(),
        },
        "scenarios": {
            "shop": {"runs": succ + fail, "successes": succ, "failures": fail,
                     "rps": round((succ + fail) / dur, 6), "latency_ms": total.latency()},
        },
        "requests": {
            lab: {"count": q["count"], "errors": 0, "rps": round(q["count"] / dur, 6),
                  "status": dict(sorted(q["status"].items())), "errors_by_kind": {},
                  "latency_ms": q["h"].latency()}
            for lab, q in req.items()
        },
        "errors": [{"message": "shop.lua:40: expected 200, got 503", "count": fail}],
        "thresholds": [],
        "timeline": timeline,
        "distribution": total.buckets(),
        "histograms": {"total": "h1:opaque", "scenario_names": ["shop"]},
        "sizing": {
            "tolerance_pct": tol, "p99_objective_ms": objective, "over": True,
            "reason": "error_ratio", "error_pct": stop["error_pct"], "workers": stop["workers"],
            "steps": steps,
        },
        "rate": {"target_per_s": 200, "ramp_up_s": 10, "started": succ + fail,
                 "dropped": dropped},
    }


for name, data in (("report-sample.json", sample()), ("report-empty.json", empty()),
                   ("report-sizing.json", sizing())):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
