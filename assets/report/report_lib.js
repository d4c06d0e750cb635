/* report_lib.js: the pure helpers of the HTML report (report.js draws the
   page, report_charts.js the charts): what a missing or odd value becomes,
   the formatting of counts, rates, latencies, bytes, percentages, durations
   and times, the ticks of the linear, log and time axes, failed requests by
   cause, the report's timeline as one slot a second, stacking, and labels
   placed so that they never overprint. No DOM here: under node it is a
   module (tests/js/test_report.js), in a page it sets window.molotovLib.
   src/report_html.c puts report_lib.js, report_charts.js and report.js in
   that order into one script element. */
(function () {
  'use strict';

  /* ---- values: any field may be missing or of another type ---- */
  function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function O(v) { return isObj(v) ? v : {}; }
  function A(v) { return Array.isArray(v) ? v : []; }
  function N(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
  function N0(v) { const n = N(v); return n === null ? 0 : n; }
  function Str(v) { return typeof v === 'string' ? v : null; }

  /* ---- formatting ---- */
  const NF = [0, 1, 2, 3].map(d => new Intl.NumberFormat('en-US',
    { minimumFractionDigits: d, maximumFractionDigits: d }));
  const DASH = '\u2013', TIMES = '\u00d7', DOT = ' \u00b7 ';
  function fInt(v) { v = N(v); return v === null ? DASH : NF[0].format(v); }
  function fNum(v) {
    v = N(v);
    if (v === null) return DASH;
    const a = Math.abs(v);
    return NF[a >= 100 || Number.isInteger(v) ? 0 : a >= 10 ? 1 : 2].format(v);
  }
  function fRate(v) {
    v = N(v);
    return v === null ? DASH : NF[v >= 100 || v === 0 ? 0 : v >= 10 ? 1 : 2].format(v);
  }
  function fMs(v) {
    v = N(v);
    if (v === null) return DASH;
    if (v > 0 && v < 0.1) return NF[v < 0.01 ? 1 : 0].format(v * 1000) + ' \u00b5s';
    if (v >= 1000) return NF[v >= 10000 ? 1 : 2].format(v / 1000) + ' s';
    return NF[v >= 100 ? 0 : v >= 10 ? 1 : 2].format(v) + ' ms';
  }
  function fTickMs(v) {
    if (v >= 1000) return +(v / 1000).toPrecision(3) + ' s';
    return +v.toPrecision(v >= 1 ? 3 : 2) + ' ms';
  }
  function fPct(v) {
    v = N(v);
    if (v === null) return DASH;
    if (v === 0) return '0%';
    if (v < 0.01) return '<0.01%';
    return NF[v >= 10 ? 1 : 2].format(v) + '%';
  }
  /* a percentage without trailing zeros: 7.2%, 5% */
  function fPctT(v) {
    const s = fPct(v);
    return s.indexOf('.') < 0 ? s : s.replace(/0+%$/, '%').replace(/\.%$/, '%');
  }
  function fDur(s) {
    s = N(s);
    if (s === null) return DASH;
    if (s > 0 && s < 1) return NF[s < 0.001 ? 1 : 0].format(s * 1000) + ' ms';
    if (s < 120) return NF[Math.abs(s - Math.round(s)) < 0.05 ? 0 : 1].format(s) + ' s';
    s = Math.round(s);
    const hh = Math.floor(s / 3600), mm = Math.floor(s % 3600 / 60), ss = s % 60;
    if (hh) return hh + ' h' + (mm ? ' ' + mm + ' min' : '');
    return mm + ' min' + (ss ? ' ' + ss + ' s' : '');
  }
  function pad(n) { return String(n).padStart(2, '0'); }
  function fClock(d) {
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' UTC';
  }
  function fDate(d) {
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + fClock(d);
  }
  /* seconds since the start, for axes */
  function fT(t, span) {
    if (span <= 180 || t === 0) return t + 's';
    const hh = Math.floor(t / 3600), mm = Math.floor(t % 3600 / 60), ss = t % 60;
    if (hh) return hh + 'h' + (mm ? pad(mm) : '');
    return mm + 'm' + (ss ? pad(ss) + 's' : '');
  }
  function plural(n, one, many) { return fInt(n) + ' ' + (n === 1 ? one : many || one + 's'); }

  /* ---- ticks ---- */
  function niceStep(span, n) {
    const raw = span / Math.max(1, n);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
  /* 0 to a round top above max in about n steps (of at least minStep) */
  function linTicks(max, n, minStep) {
    if (!(max > 0)) max = 1;
    const step = Math.max(niceStep(max, n), minStep || 0);
    const top = Math.ceil(max / step - 1e-9) * step;
    const ticks = [];
    for (let i = 0; i * step <= top + step * 1e-9; i++) ticks.push(+(i * step).toPrecision(12));
    const dec = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
    const fmt = v => v >= 1e6 ? +(v / 1e6).toPrecision(3) + 'M'
      : v >= 1e4 ? +(v / 1e3).toPrecision(3) + 'k' : NF[dec].format(v);
    return { top: top, ticks: ticks, fmt: fmt };
  }
  /* whole decades around the positive values of the series, with 2 and 5
     between them when there are few */
  function logTicks(series) {
    let lo = Infinity, hi = -Infinity;
    for (const s of series) {
      for (const v of s.values) {
        if (N(v) !== null && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
    if (lo === Infinity) { lo = 1; hi = 10; }
    const dlo = Math.floor(Math.log10(lo));
    const dhi = Math.max(dlo + 1, Math.ceil(Math.log10(hi) - 1e-9));
    const mult = dhi - dlo <= 2 ? [1, 2, 5] : [1];
    const ticks = [];
    for (let d = dlo; d <= dhi; d++) {
      for (const k of mult) if (d + Math.log10(k) <= dhi + 1e-9) ticks.push(+(k * Math.pow(10, d)).toPrecision(6));
    }
    const fmt = v => v >= 1e4 ? +(v / 1e3).toPrecision(3) + 'k'
      : v >= 1 ? NF[0].format(v) : String(+v.toPrecision(2));
    return { log: true, lo: dlo, hi: dhi, ticks: ticks, fmt: fmt };
  }
  function timeTicks(n, width) {
    const want = Math.max(2, Math.floor(width / 70));
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
    let step = steps[steps.length - 1];
    for (const s of steps) if (n / s <= want) { step = s; break; }
    const ticks = [];
    for (let t = 0; t <= n + 1e-9; t += step) ticks.push(t);
    return { ticks: ticks, fmt: t => fT(t, n) };
  }
  /* a bar w wide at x, from y0 to y1, as an SVG path */
  function pathRect(x, y0, y1, w) {
    return 'M' + x.toFixed(1) + ' ' + y0.toFixed(1) + 'V' + y1.toFixed(1) + 'h' + w.toFixed(2) +
      'V' + y0.toFixed(1) + 'Z';
  }

  /* ---- failed requests by cause, and the units of thresholds ---- */
  function fUnit(v, unit) {
    if (N(v) === null) return 'no data';
    if (unit === 'ms') return fMs(v);
    if (unit === '%') return fPct(v);
    if (unit === '/s') return fRate(v) + '/s';
    return fNum(v) + (unit ? ' ' + unit : '');
  }
  function fTime(v) {
    const s = Str(v), d = s ? new Date(s) : null;
    return d && !isNaN(d) ? fDate(d) : s;
  }
  /* Failed requests by cause: { all, t: transport, c4, c5, other }. Older
     reports counted transport errors only: their statuses >= 400 add then. */
  function fails(q, statuses) {
    const f = { t: N0(q.transport_errors), c4: N0(q.failed_4xx), c5: N0(q.failed_5xx), other: N0(q.failed_other) };
    if (N(q.failed_4xx) !== null || N(q.failed_requests) !== null) {
      const all = N(q.failed_requests) !== null ? q.failed_requests : N(q.errors);
      f.all = all !== null ? all : f.t + f.c4 + f.c5 + f.other;
      return f;
    }
    if (N(q.transport_errors) === null) f.t = N0(q.errors);
    for (const st of statuses) {
      for (const code in O(st)) {
        if (+code >= 500) f.c5 += N0(st[code]);
        else if (+code >= 400) f.c4 += N0(st[code]);
      }
    }
    f.all = f.t + f.c4 + f.c5;
    return f;
  }
  function failParts(f) {
    return [f.t ? plural(f.t, 'transport error') : null, f.c4 ? fInt(f.c4) + ' 4xx' : null,
      f.c5 ? fInt(f.c5) + ' 5xx' : null, f.other ? plural(f.other, 'unexpected status', 'unexpected statuses') : null]
      .filter(Boolean);
  }
  /* "8 transport · 34 4xx", wrapping between the parts only */
  function nbJoin(parts) {
    return parts.filter(Boolean).map(t => t.replace(/ /g, '\u00a0')).join('\u00a0\u00b7 ');
  }
  function failShort(f) {
    return nbJoin([f.t ? fInt(f.t) + ' transport' : null, f.c4 ? fInt(f.c4) + ' 4xx' : null,
      f.c5 ? fInt(f.c5) + ' 5xx' : null, f.other ? fInt(f.other) + ' other' : null]);
  }

  /* bytes: 512 B, 1.5 kB, 23 MB (powers of 1000) */
  function fBytes(v) {
    v = N(v);
    if (v === null) return DASH;
    const u = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (Math.abs(v) >= 1000 && i < u.length - 1) { v /= 1000; i++; }
    return (i ? NF[Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2].format(v) : NF[0].format(v)) + ' ' + u[i];
  }
  /* The throughput of n requests over dur seconds, or why there is none:
     under a second is too short for a rate ("1,472 req/s over 0 s"). */
  function rateOver(n, dur, rps) {
    dur = N(dur);
    if (dur === null) return { value: N(rps), sub: null };
    if (dur < 1) return { value: null, sub: fDur(dur) + ': too short for a rate' };
    return { value: N(rps) !== null ? rps : N0(n) / dur, sub: 'over ' + fDur(dur) };
  }
  /* A table's rate (a scenario's runs/s, a label's req/s) by the same rule:
     null (shown as a dash) for a run under a second. */
  function rateFor(dur, rps) {
    dur = N(dur);
    return dur !== null && dur < 1 ? null : N(rps);
  }

  /* ---- series ---- */
  /* The report's timeline as one slot a second (n of them): counts (0 when
     absent), latency and workers (null when absent: a gap, never 0). */
  function perSecond(R) {
    const pts = A(O(R).timeline).filter(p => isObj(p) && N(p.t) !== null && p.t >= 0 && p.t < 1e7);
    let n = 0;
    for (const p of pts) n = Math.max(n, Math.floor(p.t) + 1);
    const arr = v => new Array(n).fill(v);
    const ts = { n: n, req: arr(0), bad: arr(0), ok: arr(0), sOk: arr(0), sKo: arr(0), p50: arr(null), p95: arr(null),
      p99: arr(null), unix: arr(null), workers: arr(null), ft: arr(0), f4: arr(0), f5: arr(0), fo: arr(0) };
    ts.any = false;
    ts.classes = false; /* the report says the failed requests' classes */
    for (const p of pts) {
      const i = Math.floor(p.t), r = N(p.requests);
      ts.req[i] += N0(r);
      ts.bad[i] += N0(p.failed_requests);
      ts.ok[i] = ts.req[i] - ts.bad[i];
      ts.sOk[i] += N0(p.successes);
      ts.sKo[i] += N0(p.failures);
      ts.ft[i] += N0(p.transport_errors);
      ts.f4[i] += N0(p.failed_4xx);
      ts.f5[i] += N0(p.failed_5xx);
      ts.fo[i] += N0(p.failed_other);
      ts.classes = ts.classes || N(p.failed_4xx) !== null;
      /* a second without requests has no latency (older reports said 0) */
      if (r === null ? N0(p.p50_ms) > 0 : r > 0) {
        ts.p50[i] = N(p.p50_ms);
        ts.p95[i] = N(p.p95_ms);
        ts.p99[i] = N(p.p99_ms);
      }
      if (N(p.workers) !== null) ts.workers[i] = p.workers;
      if (N(p.unix) !== null) ts.unix[i] = p.unix;
      ts.any = ts.any || N0(r) > 0 || N0(p.successes) > 0 || N0(p.failures) > 0;
    }
    return ts;
  }
  /* A label's or a scenario's series (columns t, counts, p50_ms ...) as n
     slots a second: keys maps a slot name to its column; a count is 0 in a
     second the series does not have, a latency null. */
  function columns(S, n, keys) {
    S = O(S);
    const t = A(S.t), out = {};
    for (const k in keys) {
      const lat = /_ms$/.test(keys[k]), col = A(S[keys[k]]), a = new Array(n).fill(lat ? null : 0);
      t.forEach((ti, j) => {
        const i = Math.floor(N0(ti));
        if (N(ti) === null || i < 0 || i >= n) return;
        const v = N(col[j]);
        if (v !== null) a[i] = lat ? v : a[i] + v;
      });
      out[k] = a;
    }
    return out;
  }
  /* the largest sum, slot by slot, of the series' values */
  function stackMax(series) {
    let top = 0;
    const n = Math.max(0, ...series.map(s => A(s.values).length));
    for (let i = 0; i < n; i++) top = Math.max(top, series.reduce((t, s) => t + Math.max(0, N0(s.values[i])), 0));
    return top;
  }
  /* Labels that never overprint: items [{ x, w }] (a mark at x, a label w
     wide) by x; each goes right of its mark, else left of it, on the first
     row where it overlaps nothing (rows are added as needed), within
     [left, right]. Returns [{ row, anchor: start|end, a, b }]. */
  function placeLabels(items, left, right) {
    const rows = [];
    return items.map(it => {
      const cands = [[it.x + 4, it.x + 4 + it.w, 'start'], [it.x - 4 - it.w, it.x - 4, 'end']];
      let fit = cands.filter(c => c[0] >= left && c[1] <= right);
      if (!fit.length) fit = [it.x + 4 + it.w <= right ? cands[0] : cands[1]];
      for (let r = 0; ; r++) {
        rows[r] = rows[r] || [];
        for (const c of fit) {
          if (rows[r].every(s => c[1] + 2 < s[0] || c[0] > s[1] + 2)) {
            rows[r].push([c[0], c[1]]);
            return { row: r, anchor: c[2], a: c[0], b: c[1] };
          }
        }
      }
    });
  }

  const lib = {
    isObj, O, A, N, N0, Str, NF, DASH, TIMES, DOT, fInt, fNum, fRate, fMs, fTickMs, fPct, fPctT, fDur, pad, fClock, fDate, fT, plural, niceStep, linTicks, logTicks, timeTicks, pathRect, fUnit, fTime, fails, failParts, nbJoin, failShort,
    fBytes, rateOver, rateFor, perSecond, columns, stackMax, placeLabels,
  };
  if (typeof module === 'object' && module.exports) module.exports = lib;
  else globalThis.molotovLib = lib;
})();
