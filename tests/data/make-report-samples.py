#!/usr/bin/env python3
"""Writes the report samples test_report_html.c renders, in the shape
src/report.c, src/runinfo.c and src/stats_json.c produce (same bucket layout
as src/hist.c; the histograms block is a stand-in):

  report-sample.json       a 60 s run (2 processes x 25 workers) of 3 scenarios
                           over 5 request labels, with a latency spike, failed
                           requests (timeouts, 404s, 503s) and failed runs in
                           the middle, 4 thresholds (one failing, so exit code
                           99), global_setup/teardown requests kept apart
                           (fixtures) and an error message holding HTML and a
                           URL
  report-empty.json        a 5 s run that made no request at all (exit code 1)
  report-sizing.json       a --sizing run ramping 0..60 workers whose
                           throughput grows linearly to ~40 workers then
                           flattens while the errors climb past the 5%
                           tolerance at ~45 workers, where it stops ("sizing
                           stop"); with the --rate block of an open model
  report-interrupted.json  a run against two origins planned for 15 s and
                           interrupted (Ctrl-C) after 3.1 s: one backend
                           hangs, a second passes with no request ending
                           (no latency there), runs in flight are cancelled
  report-merged.json       `molotov merge` of two 30 s parts from two hosts
                           that do not overlap in time (a warning), with the
                           parts table

Deterministic (fixed seeds): run it again and the files do not change.
Usage: python3 tests/data/make-report-samples.py"""
import datetime
import hashlib
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = "0.1.0"
SUB = 128
ORIGIN = "http://127.0.0.1:8080"
PCTS = [("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("p99.9", 99.9)]


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


def iso(unix):
    """Like mt_runinfo_iso_time: UTC with milliseconds."""
    d = datetime.datetime.fromtimestamp(unix, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (int(round(unix * 1000)) % 1000)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def run_id(seed):
    return hashlib.md5(seed.encode()).hexdigest()


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
        """Like mt_hist_percentile: bucket midpoint clamped to [min, max], in
        ms; None without values (the report's null)."""
        if not self.vals:
            return None
        v = sorted(self.vals)
        rank = max(1, math.ceil(p / 100 * len(v)))
        lo, hi = bucket_bounds(bucket_of(v[rank - 1]))
        mid = min(max((lo + hi) // 2, v[0]), v[-1])
        return mid / 1e3

    def latency(self):
        """Like mt_report_add_latency: a count, and nulls when it is 0."""
        n = len(self.vals)
        out = {"count": n, "min": min(self.vals) / 1e3 if n else None,
               "mean": round(sum(self.vals) / n / 1e3, 6) if n else None}
        for name, p in PCTS:
            out[name] = self.pct(p)
        out["max"] = max(self.vals) / 1e3 if n else None
        return out

    def buckets(self):
        out = []
        for i in sorted(self.b):
            lo, hi = bucket_bounds(i)
            out.append({"lo_ms": lo / 1e3, "hi_ms": hi / 1e3, "count": self.b[i]})
        return out


def fail_counts():
    return {"errors": 0, "transport_errors": 0, "failed_4xx": 0, "failed_5xx": 0,
            "failed_other": 0}


class Stats:
    """What mt_stats gathers: requests by (origin, label), scenario runs,
    failure messages, one tick a second."""

    def __init__(self, scenarios):
        self.total, self.total_ok = Hist(), Hist()
        self.rows = {}
        self.scn = {n: {"runs": 0, "successes": 0, "failures": 0, "cancelled": 0,
                        "h": Hist(), "ok": Hist(), "msgs": {}} for n in scenarios}
        self.msgs = {}
        self.ticks = {}
        self.c = dict(successes=0, failures=0, cancelled=0, requests=0, failed_requests=0,
                      transport_errors=0, failed_4xx=0, failed_5xx=0, failed_other=0,
                      dropped=0, truncated_bodies=0)

    def tick(self, t):
        if t not in self.ticks:
            self.ticks[t] = {"requests": 0, "failed_requests": 0, "successes": 0,
                             "failures": 0, "h": Hist()}
        return self.ticks[t]

    def request(self, t, label, us, status=None, kind=None, origin=ORIGIN):
        """One request that ended; True when it failed (a transport error or a
        status >= 400, the default)."""
        key = (origin, label)
        if key not in self.rows:
            self.rows[key] = dict(fail_counts(), count=0, status={}, kinds={}, h=Hist(),
                                  ok=Hist())
        q, k = self.rows[key], self.tick(t)
        failed = kind is not None or status >= 400
        q["count"] += 1
        self.c["requests"] += 1
        k["requests"] += 1
        for h in (q["h"], self.total, k["h"]):
            h.add(us)
        if kind:
            q["kinds"][kind] = q["kinds"].get(kind, 0) + 1
            field = "transport_errors"
        else:
            q["status"][str(status)] = q["status"].get(str(status), 0) + 1
            field = ("failed_4xx" if status < 500 else "failed_5xx") if failed else None
        if failed:
            q["errors"] += 1
            q[field] += 1
            self.c[field] += 1
            self.c["failed_requests"] += 1
            k["failed_requests"] += 1
        else:
            q["ok"].add(us)
            self.total_ok.add(us)
        return failed

    def run(self, t, name, us, failed=None):
        """A scenario run that ended after us, failed with message `failed`."""
        s, k = self.scn[name], self.tick(t)
        s["runs"] += 1
        s["h"].add(us)
        if failed:
            s["failures"] += 1
            self.c["failures"] += 1
            k["failures"] += 1
            s["msgs"][failed] = s["msgs"].get(failed, 0) + 1
            self.msgs[failed] = self.msgs.get(failed, 0) + 1
        else:
            s["successes"] += 1
            self.c["successes"] += 1
            k["successes"] += 1
            s["ok"].add(us)

    def cancel(self, name):
        self.scn[name]["runs"] += 1
        self.scn[name]["cancelled"] += 1
        self.c["cancelled"] += 1


def top(msgs, n=None):
    items = sorted(msgs.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"message": m, "count": c} for m, c in items[:n]]


def display_label(origin, label, many):
    """Like display() in src/stats.c: the origin goes into the label when the
    run talked to several."""
    if not many or " " not in label:
        return label
    method, path = label.split(" ", 1)
    return f"{method} {origin.replace('http://', '', 1)}{path}"


def requests_json(st, dur):
    many = len({o for o, _ in st.rows}) > 1
    keyed = [(display_label(o, lab, many), o, lab, q) for (o, lab), q in st.rows.items()]
    keyed.sort(key=lambda r: (-r[3]["count"], r[0], r[1]))
    out = {}
    for key, origin, label, q in keyed:
        x = {"count": q["count"]}
        x.update({f: q[f] for f in fail_counts()})
        x["rps"] = round(q["count"] / dur, 6) if dur else 0
        x["origin"] = origin
        if many:
            x["label"] = label
        x["status"] = dict(sorted(q["status"].items()))
        x["errors_by_kind"] = dict(sorted(q["kinds"].items()))
        x["latency_ms"] = q["h"].latency()
        x["latency_ok_ms"] = q["ok"].latency()
        out[key] = x
    return out


def timeline_json(st, start_unix, seconds=None):
    out = []
    for t in sorted(st.ticks) if seconds is None else seconds:
        k = st.tick(t)
        out.append({"t": t, "unix": start_unix + t, "requests": k["requests"],
                    "failed_requests": k["failed_requests"], "successes": k["successes"],
                    "failures": k["failures"], "p50_ms": k["h"].pct(50),
                    "p99_ms": k["h"].pct(99)})
    return out


def threshold(expr, value, unit, limit, metric, scope="total", name="", ok=False, op="<"):
    ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b}
    return {"expr": expr, "value": value, "unit": unit,
            "passed": value is not None and ops[op](value, limit),
            "scope": scope, "name": name, "metric": metric, "ok_only": ok, "op": op,
            "limit": limit}


def report(st, run, dur, thresholds=(), fixtures=None, extra=None, seconds=None):
    """The report object, in src/report.c's key order. run: the runinfo
    fields (run_id, hostname, started (unix), planned, command_line, script,
    stop_reason, exit_code, outcome) and the concurrency."""
    start = run["started"]
    j = {"version": VERSION, "run_id": run["run_id"], "hostname": run["hostname"],
         "started_at": iso(start), "ended_at": iso(start + dur),
         "planned_duration_s": run.get("planned"), "command_line": run["command_line"],
         "script": {"path": run["script"], "sha256": sha256(run["script"])},
         "stop_reason": run.get("stop_reason", "completed"),
         "exit_code": run.get("exit_code", 0), "outcome": run.get("outcome"),
         "duration_s": dur, "processes": run["processes"],
         "workers": run["processes"] * run["workers"], "workers_per_process": run["workers"],
         "hosts": sorted({o for o, _ in st.rows})}
    totals = dict(st.c)
    totals["rps"] = round(st.c["requests"] / dur, 6) if dur else 0
    totals["latency_ms"] = st.total.latency()
    totals["latency_ok_ms"] = st.total_ok.latency()
    j["totals"] = totals
    j["scenarios"] = {
        n: {"runs": s["runs"], "successes": s["successes"], "failures": s["failures"],
            "cancelled": s["cancelled"], "rps": round(s["runs"] / dur, 6) if dur else 0,
            "latency_ms": s["h"].latency(), "latency_ok_ms": s["ok"].latency(),
            "top_errors": top(s["msgs"], 5)}
        for n, s in st.scn.items()}
    j["requests"] = requests_json(st, dur)
    if fixtures:
        j["fixtures"] = {"requests": fixtures.c["requests"],
                         "errors": fixtures.c["failed_requests"],
                         "requests_by_label": requests_json(fixtures, dur)}
    j["errors"] = top(st.msgs)
    j["thresholds"] = list(thresholds)
    j["timeline"] = timeline_json(st, int(start), seconds)
    j["distribution"] = st.total.buckets()
    j.update(extra or {})
    j["histograms"] = {"total": "h1:opaque", "scenario_names": list(st.scn)}
    return j


def outcome_of(ths):
    failed = sum(1 for t in ths if not t["passed"])
    if not failed:
        return 0, None
    return 99, f"{failed} of {len(ths)} thresholds failed"


# ---- report-sample.json ----

START_UNIX = 1795322400.123  # 2026-11-22T04:40:00.123Z
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


def one_request(rnd, lab, sev, spike):
    """(latency us, status, transport error kind) of one request."""
    med = LABELS[lab] * (1 + 22 * sev * (1.6 if lab == "POST /cart" else 1.0))
    ms = med * math.exp(rnd.gauss(0, 0.35 + 0.25 * sev))
    if rnd.random() < 0.002:
        ms *= rnd.uniform(5, 15)  # the odd slow one
    status, kind = (201 if lab == "POST /cart" else 200), None
    if spike and lab == "POST /cart" and rnd.random() < 0.3 * sev:
        status = 503
    elif spike and rnd.random() < 0.004 * sev:
        kind, status, ms = "timeout", None, 5000.0  # recorded when it failed
    elif lab == "GET /products/:id" and rnd.random() < 0.004:
        status = 404
    elif not spike and rnd.random() < 0.00015:
        kind, status, ms = "connect", None, rnd.uniform(0.2, 0.6)
    return ms * 1000, status, kind


def failure_message(name, lab, status, kind):
    if kind == "timeout":
        return f"{name}.lua:31: {lab}: timeout after 5 s"
    if kind == "connect":
        return "curl: (7) Failed to connect to http://127.0.0.1:8080/ (Connection refused)"
    if status == 503:
        return (f"{name}.lua:58: expected 201 from {lab}, got 503: "
                "<html><head><title>503</title><script src=\"/err.js\"></script>"
                "</head><body>Service Unavailable</body></html>")
    if status == 404 and name == "browse_catalog":
        return "browse_catalog.lua:22: assertion failed!"
    return None


def scenario_run(st, rnd, t, name, sev, spike):
    run_us, failed = 0.0, None
    for lab in SCENARIOS[name][1]:
        us, status, kind = one_request(rnd, lab, sev, spike)
        run_us += us + rnd.uniform(30, 120)
        st.request(t, lab, us, status, kind)
        failed = failure_message(name, lab, status, kind)
        if failed:
            break
    st.run(t, name, run_us, failed)


def sample():
    rnd = random.Random(42)
    st = Stats(SCENARIOS)
    names = list(SCENARIOS)
    weights = [SCENARIOS[n][0] for n in names]
    for t in range(60):
        spike = SPIKE[0] <= t < SPIKE[1]
        # severity rises and falls over the spike
        sev = math.sin(math.pi * (t - SPIKE[0] + 0.5) / (SPIKE[1] - SPIKE[0])) if spike else 0.0
        ramp = min(1.0, (t + 1) / 3)
        for _ in range(int(rnd.gauss(118, 5) * ramp * (1 - 0.6 * sev))):
            scenario_run(st, rnd, t, rnd.choices(names, weights)[0], sev, spike)
    fx = Stats([])
    fx.request(0, "POST /admin/reset", 12400, 204)
    fx.request(0, "POST /login", 9800, 200)
    fx.request(60, "DELETE /admin/session", 3100, 200)
    dur = 60.0
    runs = st.c["successes"] + st.c["failures"]
    fail_rate = round(100.0 * st.c["failures"] / runs, 6)
    req_rate = round(100.0 * st.c["failed_requests"] / st.c["requests"], 6)
    lat, ok = st.total.latency(), st.total_ok.latency()
    ths = [threshold("p99<250ms", lat["p99"], "ms", 250, "p99"),
           threshold("ok:p99<200ms", ok["p99"], "ms", 200, "p99", ok=True),
           threshold("failure_rate<0.5%", fail_rate, "%", 0.5, "failure_rate"),
           threshold("requests:failure_rate<1%", req_rate, "%", 1, "failure_rate",
                     scope="requests")]
    code, why = outcome_of(ths)
    run = {"run_id": run_id("sample"), "hostname": "loadgen-01", "started": START_UNIX,
           "planned": 60, "processes": 2, "workers": 25, "script": "scenarios/shop.lua",
           "command_line": "molotov -p 2 -w 25 -d 60 --threshold 'p99<250ms' "
                           "--threshold 'ok:p99<200ms' --threshold 'failure_rate<0.5%' "
                           "--threshold 'requests:failure_rate<1%' --json report.json "
                           "--html report.html scenarios/shop.lua "
                           "'https://shop:***@staging.example.test/'",
           "exit_code": code, "outcome": why}
    return report(st, run, dur, ths, fixtures=fx)


# ---- report-empty.json ----

def empty():
    st = Stats([])
    for t in range(5):
        st.tick(t)
    run = {"run_id": run_id("empty"), "hostname": "laptop", "started": 1795323600.0,
           "planned": 5, "processes": 1, "workers": 1, "script": "idle.lua",
           "command_line": "molotov -d 5 idle.lua", "exit_code": 1,
           "outcome": "no scenario run succeeded (0 failed, 0 cancelled, 0 of 0 requests failed)"}
    return report(st, run, 5.0)


# ---- report-sizing.json ----

def sizing():
    rnd = random.Random(7)
    start_unix = 1795324200.25  # 2026-11-22T05:10:00.250Z
    tol, objective, step_s, reqs_per_run = 5.0, 250.0, 2, 5
    labels = {"GET /": 1.0, "GET /search": 1.6, "GET /items/:id": 0.9, "POST /cart": 1.3,
              "POST /checkout": 2.2}

    def rps_at(w):  # linear to ~40 workers, then flat near 1000 req/s
        return (25.0 * max(w, 0.2)) * (1 + (25.0 * w / 1010) ** 8) ** (-1 / 8)

    def err_at(w):  # % of scenario runs failing
        return 0.01 + (0.15 * (w - 39) ** 2 if w > 39 else 0.0)

    st = Stats(["shop"])
    steps = []
    step_h, step_req, step_runs, step_ko = Hist(), 0, 0, 0
    stop = None
    for t in range(60):
        w = t + 1  # one more worker a second
        runs = max(1, int(rps_at(w) * rnd.gauss(1, 0.02) / reqs_per_run))
        p50 = 4.0 * (1 + 4 * max(0, w - 36) ** 1.6 / 40)
        p99 = 12 + 0.8 * max(0, w - 33) ** 2
        sigma = math.log(max(p99 / p50, 1.5)) / 2.326
        for _ in range(runs):
            failed = rnd.random() * 100 < err_at(w) * rnd.uniform(0.85, 1.15)
            last = rnd.randrange(reqs_per_run) if failed else reqs_per_run - 1
            run_us = 0
            for i, lab in enumerate(labels):
                if i > last:
                    break
                us = 1000 * p50 * labels[lab] * math.exp(rnd.gauss(0, sigma))
                run_us += us
                st.request(t, lab, us, 503 if failed and i == last else 200)
                step_h.add(us)
                step_req += 1
            st.run(t, "shop", run_us, "shop.lua:40: expected 200, got 503" if failed else None)
            step_runs += 1
            step_ko += failed
        if (t + 1) % step_s == 0:
            e = round(100.0 * step_ko / step_runs, 2)
            steps.append({"t": t + 1, "workers": w, "rps": round(step_req / step_s, 1),
                          "error_pct": e, "p99_ms": step_h.pct(99)})
            step_h, step_req, step_runs, step_ko = Hist(), 0, 0, 0
            if e > tol:
                stop = steps[-1]
                break
    dur = float(len(st.ticks))
    st.c["dropped"] = 20
    run = {"run_id": run_id("sizing"), "hostname": "loadgen-01", "started": start_unix,
           "planned": 120, "processes": 1, "workers": stop["workers"], "script": "shop.lua",
           "command_line": "molotov --sizing --sizing-tolerance 5 --sizing-p99 250ms "
                           "--rate 200 --ramp-up 10 -d 120 --html sizing.html shop.lua",
           "stop_reason": "sizing stop"}
    sizing_block = {
        "tolerance_pct": tol, "p99_objective_ms": objective, "over": True,
        "reason": "error_ratio", "error_pct": stop["error_pct"], "workers": stop["workers"],
        "steps": steps}
    rate = {"target_per_s": 200, "ramp_up_s": 10,
            "started": st.c["successes"] + st.c["failures"], "dropped": st.c["dropped"]}
    return report(st, run, dur, extra={"sizing": sizing_block, "rate": rate})


# ---- report-interrupted.json ----

def interrupted():
    """10 workers against an API (8080) and a slow backend (8081) that hangs
    from 0.8 s on; the requests to it time out after 1.5 s (nothing ends in
    second 1); Ctrl-C at 3.1 s cancels the runs waiting again."""
    rnd = random.Random(3)
    slow = "http://127.0.0.1:8081"
    st = Stats(["api_roundtrip"])
    clock = [0.0] * 10
    while True:
        w = min(range(10), key=lambda i: clock[i])
        t0 = clock[w]
        if t0 >= 3.1:
            break
        us1 = 1000 * 3.0 * math.exp(rnd.gauss(0, 0.3))
        t1 = t0 + us1 / 1e6
        st.request(int(t1), "GET /api/items", us1, 200)
        hung = t1 >= 0.8
        us2 = 1.5e6 if hung else 1000 * 8.0 * math.exp(rnd.gauss(0, 0.4))
        t2 = t1 + us2 / 1e6
        if t2 > 3.1:  # still waiting when interrupted
            st.cancel("api_roundtrip")
            clock[w] = 99
            continue
        st.request(int(t2), "GET /report", us2, None if hung else 200,
                   "timeout" if hung else None, origin=slow)
        msg = "api_roundtrip.lua:12: GET http://127.0.0.1:8081/report: timeout after 1.5 s"
        st.run(int(t2), "api_roundtrip", us1 + us2, msg if hung else None)
        clock[w] = t2 + 0.001
    for t in range(4):
        st.tick(t)  # seconds with no request ending in them: no latency
    lat = st.total.latency()
    run = {"run_id": run_id("interrupted"), "hostname": "dev-box", "started": 1795326000.5,
           "planned": 15, "processes": 1, "workers": 10, "script": "api_roundtrip.lua",
           "command_line": "molotov -w 10 -d 15 --timeout 1.5 --threshold 'p99<500ms' "
                           "-H 'Authorization: ***' --json out.json --html out.html "
                           "api_roundtrip.lua",
           "stop_reason": "interrupted", "exit_code": 130, "outcome": "interrupted"}
    ths = [threshold("p99<500ms", lat["p99"], "ms", 500, "p99")]
    return report(st, run, 3.1, ths)


# ---- report-merged.json ----

def part(st, rnd, t0, n, rps, host_lat):
    """n seconds of one load generator from t0 (merged timeline seconds)."""
    for t in range(t0, t0 + n):
        for _ in range(int(rnd.gauss(rps, rps * 0.04))):
            us = 1000 * host_lat * math.exp(rnd.gauss(0, 0.45))
            status = 500 if rnd.random() < 0.002 else 200
            st.request(t, "GET /", us, status)
            st.run(t, "home", us, None if status == 200 else "home.lua:9: got 500")


def merged():
    start = 1795327200.0
    a, b, st = Stats(["home"]), Stats(["home"]), Stats(["home"])
    # the same seeds twice: the merged figures are the parts' sums
    for s, seed, t0, rps, ms in ((a, 11, 0, 180, 2.2), (b, 12, 45, 150, 3.1)):
        part(s, random.Random(seed), t0, 30, rps, ms)
        part(st, random.Random(seed), t0, 30, rps, ms)
    parts = []
    for s, host, t0 in ((a, "loadgen-a", 0), (b, "loadgen-b", 45)):
        lat = s.total.latency()
        parts.append({"path": f"runs/{host}.json", "hostname": host,
                      "run_id": run_id(host), "started_at": iso(start + t0),
                      "ended_at": iso(start + t0 + 30), "duration_s": 30.0,
                      "requests": s.c["requests"], "errors": s.c["failed_requests"],
                      "p99_ms": lat["p99"], "workers": 20, "processes": 1,
                      "stop_reason": "completed"})
    merge = {"parts": parts,
             "warnings": ["the parts do not overlap in time: 15.0 s pass between one part's "
                          "end and the next one's start, so the merged rates and timeline "
                          "span both"],
             "span": {"start": iso(start), "end": iso(start + 75)}}
    lat = st.total.latency()
    run = {"run_id": run_id("merged"), "hostname": "ci-runner", "started": start,
           "planned": None, "processes": 2, "workers": 20, "script": "home.lua",
           "command_line": "molotov merge --html merged.html runs/loadgen-a.json "
                           "runs/loadgen-b.json"}
    ths = [threshold("p99<50ms", lat["p99"], "ms", 50, "p99")]
    code, why = outcome_of(ths)
    run.update(exit_code=code, outcome=why)
    return report(st, run, 75.0, ths, extra={"merge": merge})


for name, make in (("report-sample.json", sample), ("report-empty.json", empty),
                   ("report-sizing.json", sizing), ("report-interrupted.json", interrupted),
                   ("report-merged.json", merged)):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(make(), f, indent=1)
        f.write("\n")
