/* report.js: the script of the --html report (src/report_html.c puts it
   into report.html, after the report JSON). It reads that JSON back from
   its element (id "report", of type application/json) and builds
   everything with the DOM: a header with the PASS/FAIL badge (FAIL on a
   failed threshold or a non-zero exit code), a banner when the run stopped
   early (stop_reason) or merge warned, headline figures (failed requests
   by cause; latency over all requests, failed ones included, beside the
   ok-only figures), three plots over time (requests and failed requests
   per second, p50/p99 latency with gaps where no request ended, scenario
   runs succeeded/failed per second), the latency distribution on a log
   axis with its percentiles, and sortable tables of thresholds, merged
   parts, scenarios, request labels (in the report's order), fixture
   requests and failure messages, then the run itself (script and its hash,
   command line, targets, times, ids); with --sizing, a capacity curve
   (requests/s and error % by workers, p99 below, the stopping point) and
   its steps; with --rate, the open-model figures.

   The plotting code is ours, into inline SVG: no library, no font, nothing
   fetched, so the file opens anywhere (and prints). Every string from the
   report reaches the page through textContent, never as markup. The charts
   redraw on resize and share a hover guide (one second) with a tooltip.
   Every field may be missing (older reports lack most of the run's
   fields): the page shows a dash or leaves the part out, and a part that
   cannot be drawn says so without taking the rest of the page with it.

   The pure helpers come first (values, formatting, ticks, failure counts):
   under node they are all there is (module.exports, for
   tests/js/test_report.js); in a browser the page follows. */
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

  /* node loads the helpers above (tests/js/test_report.js); a browser
     goes on and draws the page */
  if (typeof module === 'object' && module.exports) {
    module.exports = {
      isObj, O, A, N, N0, Str, fInt, fNum, fRate, fMs, fTickMs, fPct, fPctT, fDur, fClock, fDate, fT, plural,
      pathRect, niceStep, linTicks, logTicks, timeTicks, fUnit, fTime, fails, failParts, nbJoin, failShort,
    };
    return;
  }

  /* window.molotovRender(data, root): the page of report `data` drawn
     into `root`, all of it again on every call (the dashboard's way, once
     a second); the report page calls it once with its embedded JSON. */
  let redraw = null;
  function molotovRender(data, root) {
  const app = root;
  const R = isObj(data) ? data : {};

  /* ---- DOM: every text goes in as text ---- */
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const k in props || {}) {
      const v = props[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'style') e.style.cssText = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of kids.flat(3)) {
      if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  const SVGNS = (function () {
    const d = document.createElement('div');
    d.innerHTML = '<svg></svg>';
    return d.firstChild.namespaceURI;
  })();
  function S(tag, attrs, parent) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v === null || v === undefined) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v);
    }
    if (parent) parent.appendChild(e);
    return e;
  }
  function swatch(color, kind) {
    const style = kind === 'dash' ? 'border-color:var(' + color + ')' : 'background:var(' + color + ')';
    return h('span', { class: 'sw' + (kind ? ' ' + kind : ''), style: style });
  }
  function legend(items) {
    return h('div', { class: 'legend' },
      items.map(it => h('span', null, swatch(it.color, it.kind), it.name)));
  }
  /* ---- tooltips ---- */
  function tipRows(title, sub, rows) {
    return [h('div', { class: 'th' }, title, sub ? h('span', { text: sub }) : null)].concat(rows.map(r =>
      h('div', { class: 'row' }, swatch(r.color, r.kind), r.name, h('b', { text: r.value }))));
  }
  function placeTip(tip, x, y, W) {
    tip.style.display = 'block';
    const w = tip.offsetWidth;
    let left = x + 14;
    if (left + w > W) left = x - 14 - w;
    tip.style.left = Math.max(0, left) + 'px';
    tip.style.top = y + 'px';
  }

  /* Every chart redraws on resize; the time charts share the hovered second. */
  const charts = [];
  function setHover(i, src) { for (const c of charts) if (c.hover) c.hover(i, c === src); }

  /* ---- a chart over time: n seconds on x; the `up` series above the zero
     line, the optional `down` series (own scale) hanging below it. Series:
     { name, color (a CSS variable), kind: line|area|bar, values[n], fmt } ---- */
  function timeChart(host, cfg) {
    const box = h('div', { class: 'chart' });
    host.append(box);
    const c = {};
    c.draw = function () {
      box.textContent = '';
      const W = Math.max(260, box.clientWidth), H = cfg.height || 180;
      const m = { l: 50, r: 14, t: 10, b: 22 };
      const iw = W - m.l - m.r, ih = H - m.t - m.b, n = cfg.n;
      const downH = cfg.down ? Math.round(ih * 0.3) : 0, upH = ih - downH - (cfg.down ? 6 : 0);
      const y0 = m.t + upH;
      const X = t => m.l + t / n * iw;
      const svg = S('svg', { width: W, height: H, role: 'img', 'aria-label': cfg.title });
      box.append(svg);
      const maxOf = ss => Math.max(0, ...ss.map(s => Math.max(0, ...s.values.map(N0))));
      const refs = cfg.refs || [];
      const withRefs = cfg.up.concat([{ values: refs.map(r => r.v) }]);
      const up = cfg.log && cfg.log.on ? logTicks(withRefs)
        : linTicks(maxOf(withRefs), Math.max(2, Math.round(upH / 36)), cfg.int ? 1 : 0);
      const Yup = up.log ? v => y0 - (Math.log10(v) - up.lo) / (up.hi - up.lo) * upH
        : v => y0 - v / up.top * upH;
      const yfmt = cfg.yfmt || up.fmt;
      for (const v of up.ticks) {
        const y = Yup(v);
        S('line', { x1: m.l, x2: m.l + iw, y1: y, y2: y, class: up.log || v ? 'grid' : 'axis' }, svg);
        S('text', { x: m.l - 8, y: y, dy: '0.32em', 'text-anchor': 'end', text: yfmt(v) }, svg);
      }
      if (up.log) S('line', { x1: m.l, x2: m.l + iw, y1: y0, y2: y0, class: 'axis' }, svg);
      let Ydn = null;
      if (cfg.down) {
        const dn = linTicks(maxOf(cfg.down), 2, cfg.int ? 1 : 0);
        Ydn = v => y0 + 6 + v / dn.top * downH;
        for (const v of dn.ticks) {
          if (!v) continue;
          S('line', { x1: m.l, x2: m.l + iw, y1: Ydn(v), y2: Ydn(v), class: 'grid' }, svg);
          S('text', { x: m.l - 8, y: Ydn(v), dy: '0.32em', 'text-anchor': 'end', text: dn.fmt(v) }, svg);
        }
      }
      const tt = timeTicks(n, iw);
      for (const t of tt.ticks) {
        S('line', { x1: X(t), x2: X(t), y1: H - m.b, y2: H - m.b + 4, class: 'axis' }, svg);
        S('text', { x: X(t), y: H - m.b + 15, 'text-anchor': 'middle', text: tt.fmt(t) }, svg);
      }
      for (const r of refs) {
        const y = Yup(r.v), style = 'var(' + r.color + ')';
        S('line', { x1: m.l, x2: m.l + iw, y1: y, y2: y, class: 'ref', style: 'stroke:' + style }, svg);
        S('text', { x: m.l + iw - 4, y: y - 4, 'text-anchor': 'end', class: 'reftext',
          style: 'fill:' + style, text: r.label }, svg);
      }
      const dots = [];
      function series(s, Y, base, logAxis) {
        const v = s.values, col = 'var(' + s.color + ')';
        if (s.kind === 'bar') {
          const bw = iw / n, gap = bw > 4 ? Math.min(2, bw * 0.2) : 0;
          let d = '';
          for (let i = 0; i < n; i++) {
            if (N0(v[i]) > 0) d += pathRect(X(i) + gap / 2, base, Y(v[i]), Math.max(0.6, bw - gap));
          }
          if (d) S('path', { d: d, style: 'fill:' + col + ';opacity:' + (s.opacity || 1) }, svg);
          return;
        }
        let line = '', area = '', run = [];
        const xy = p => p[0].toFixed(1) + ' ' + p[1].toFixed(1);
        const flush = () => {
          if (!run.length) return;
          line += 'M' + run.map(xy).join('L');
          area += 'M' + run[0][0].toFixed(1) + ' ' + base.toFixed(1) + 'L' + run.map(xy).join('L') +
            'L' + run[run.length - 1][0].toFixed(1) + ' ' + base.toFixed(1) + 'Z';
          if (run.length === 1) S('circle', { cx: run[0][0], cy: run[0][1], r: 3, style: 'fill:' + col }, svg);
          run = [];
        };
        for (let i = 0; i < n; i++) {
          const val = N(v[i]);
          if (val === null || (logAxis && val <= 0)) flush();
          else run.push([X(i + 0.5), Y(val)]);
        }
        flush();
        if (s.kind === 'area' && area) S('path', { d: area, style: 'fill:' + col + ';opacity:.13' }, svg);
        if (line) S('path', { d: line, class: 'line', style: 'stroke:' + col }, svg);
        dots.push({ s: s, Y: Y, log: logAxis,
          dot: S('circle', { r: 3.5, class: 'dot', style: 'display:none;fill:' + col }) });
      }
      for (const s of cfg.up) series(s, Yup, y0, up.log);
      for (const s of cfg.down || []) series(s, Ydn, y0 + 6, false);
      const guide = S('line', { y1: m.t, y2: H - m.b, class: 'guide', style: 'display:none' }, svg);
      for (const d of dots) svg.appendChild(d.dot);
      const tip = h('div', { class: 'tip' });
      box.append(tip);
      const hit = S('rect', { x: m.l, y: 0, width: iw, height: H - m.b, style: 'fill:transparent' }, svg);
      c.hover = function (i, own) {
        if (i === null || i >= n) {
          guide.style.display = tip.style.display = 'none';
          for (const d of dots) d.dot.style.display = 'none';
          return;
        }
        const x = X(i + 0.5);
        guide.setAttribute('x1', x);
        guide.setAttribute('x2', x);
        guide.style.display = '';
        for (const d of dots) {
          let v = N(d.s.values[i]);
          if (v !== null && v <= 0 && d.log) v = null;
          d.dot.style.display = v === null ? 'none' : '';
          if (v !== null) { d.dot.setAttribute('cx', x); d.dot.setAttribute('cy', d.Y(v)); }
        }
        if (!own) { tip.style.display = 'none'; return; }
        const rows = cfg.up.concat(cfg.down || []).map(s => ({ color: s.color, name: s.name,
          kind: s.kind === 'bar' ? '' : 'ln', value: (s.fmt || fNum)(N(s.values[i])) }));
        const unix = cfg.unix ? N(cfg.unix[i]) : null;
        tip.textContent = '';
        tip.append(...tipRows(n <= 180 ? i + ' s' : fT(i, n), unix ? fClock(new Date(unix * 1000)) : '', rows));
        placeTip(tip, x, m.t, W);
      };
      const at = ev => {
        const r = svg.getBoundingClientRect();
        return Math.max(0, Math.min(n - 1, Math.floor((ev.clientX - r.left - m.l) / iw * n)));
      };
      hit.addEventListener('pointermove', ev => setHover(at(ev), c));
      hit.addEventListener('pointerdown', ev => setHover(at(ev), c));
      hit.addEventListener('pointerleave', () => setHover(null, c));
    };
    charts.push(c);
    return c;
  }

  /* ---- the latency histogram on a log x axis: the report's buckets spread
     over even log bins (by overlap), a cumulative line, percentile marks ---- */
  function distChart(host, buckets, marks) {
    const box = h('div', { class: 'chart' });
    host.append(box);
    let lmin = Infinity, lmax = -Infinity, total = 0;
    const bs = [];
    for (const b of buckets) {
      const lo = N(b.lo_ms), cnt = N(b.count);
      let hi = N(b.hi_ms);
      if (lo === null || cnt === null || cnt <= 0) continue;
      hi = Math.max(hi === null ? lo : hi, lo) + 0.001; /* bounds are inclusive, in whole us */
      const la = Math.log10(Math.max(lo, 0.0005)), lb = Math.log10(hi);
      bs.push([la, lb, cnt]);
      lmin = Math.min(lmin, la);
      lmax = Math.max(lmax, lb);
      total += cnt;
    }
    for (const mk of marks) {
      if (mk.v > 0) { lmin = Math.min(lmin, Math.log10(mk.v)); lmax = Math.max(lmax, Math.log10(mk.v)); }
    }
    if (lmax - lmin < 1) { const mid = (lmin + lmax) / 2; lmin = mid - 0.5; lmax = mid + 0.5; }
    const padL = (lmax - lmin) * 0.03;
    lmin -= padL;
    lmax += padL;
    const c = {};
    c.draw = function () {
      box.textContent = '';
      const W = Math.max(260, box.clientWidth), H = 250;
      const m = { l: 50, r: 44, t: 34, b: 24 };
      const iw = W - m.l - m.r, ih = H - m.t - m.b;
      const B = Math.max(24, Math.min(150, Math.floor(iw / 7))), bw = (lmax - lmin) / B;
      const cnt = new Float64Array(B);
      for (const b of bs) {
        const i0 = Math.max(0, Math.floor((b[0] - lmin) / bw));
        const i1 = Math.min(B - 1, Math.floor((b[1] - lmin) / bw));
        if (i0 >= i1) { cnt[Math.min(i0, B - 1)] += b[2]; continue; }
        for (let i = i0; i <= i1; i++) {
          const a = Math.max(b[0], lmin + i * bw), z = Math.min(b[1], lmin + (i + 1) * bw);
          if (z > a) cnt[i] += b[2] * (z - a) / (b[1] - b[0]);
        }
      }
      const cum = new Float64Array(B);
      let acc = 0;
      for (let i = 0; i < B; i++) { acc += cnt[i]; cum[i] = acc / total; }
      const X = l => m.l + (l - lmin) / (lmax - lmin) * iw;
      const yt = linTicks(Math.max(...cnt), Math.max(2, Math.round(ih / 40)));
      const Y = v => m.t + ih - v / yt.top * ih;
      const Yc = f => m.t + ih - f * ih;
      const svg = S('svg', { width: W, height: H, role: 'img', 'aria-label': 'latency distribution' });
      box.append(svg);
      for (const v of yt.ticks) {
        S('line', { x1: m.l, x2: m.l + iw, y1: Y(v), y2: Y(v), class: v ? 'grid' : 'axis' }, svg);
        S('text', { x: m.l - 8, y: Y(v), dy: '0.32em', 'text-anchor': 'end', text: yt.fmt(v) }, svg);
      }
      for (const f of [0, 0.5, 1]) S('text', { x: m.l + iw + 8, y: Yc(f), dy: '0.32em', text: f * 100 + '%' }, svg);
      /* x ticks: decades, plus 2 and 5 (or 3) when the range is narrow */
      const span = lmax - lmin, mult = span < 2.2 ? [1, 2, 5] : span < 4 ? [1, 3] : [1];
      for (let d = Math.floor(lmin); d <= Math.ceil(lmax); d++) {
        for (const k of mult) {
          const l = d + Math.log10(k);
          if (l < lmin || l > lmax) continue;
          const x = X(l);
          S('line', { x1: x, x2: x, y1: m.t, y2: m.t + ih, class: 'grid' }, svg);
          S('line', { x1: x, x2: x, y1: m.t + ih, y2: m.t + ih + 4, class: 'axis' }, svg);
          S('text', { x: x, y: H - m.b + 15, 'text-anchor': 'middle', text: fTickMs(Math.pow(10, l)) }, svg);
        }
      }
      let d = '';
      const gap = iw / B > 4 ? 1 : 0;
      for (let i = 0; i < B; i++) {
        if (cnt[i] <= 0) continue;
        const x0 = X(lmin + i * bw), x1 = X(lmin + (i + 1) * bw) - gap;
        d += pathRect(x0, Y(0), Math.min(Y(cnt[i]), Y(0) - 1), x1 - x0);
      }
      if (d) S('path', { d: d, style: 'fill:var(--accent);opacity:.55' }, svg);
      let cd = 'M' + m.l + ' ' + Yc(0);
      for (let i = 0; i < B; i++) cd += 'L' + X(lmin + (i + 1) * bw).toFixed(1) + ' ' + Yc(cum[i]).toFixed(1);
      S('path', { d: cd, class: 'cdf' }, svg);
      /* percentile marks, their labels kept apart: right of the line, else
         left of it, else on a second row */
      const rows = [[], []];
      const fits = (r, a, b) => rows[r].every(s => b < s[0] || a > s[1]);
      for (const mk of marks.filter(mk => mk.v > 0).sort((a, b) => a.v - b.v)) {
        const x = X(Math.log10(mk.v)), label = mk.name + ' ' + fMs(mk.v), w = label.length * 6.4 + 6;
        let row = 0, anchor = 'start', lx = x + 4;
        if (lx + w > m.l + iw + m.r) { anchor = 'end'; lx = x - 4; }
        let a = anchor === 'start' ? lx : lx - w, b = a + w;
        if (!fits(0, a, b)) {
          if (anchor === 'start' && fits(0, x - 4 - w, x - 4)) {
            anchor = 'end';
            lx = x - 4;
            a = lx - w;
            b = lx;
          } else {
            row = fits(1, a, b) ? 1 : 0;
          }
        }
        rows[row].push([a, b]);
        const g = S('g', { class: 'mark' }, svg), ty = m.t - 22 + row * 13, col = 'var(' + mk.color + ')';
        S('line', { x1: x, x2: x, y1: ty - 4, y2: m.t + ih, style: 'stroke:' + col }, g);
        S('text', { x: lx, y: ty + 4, 'text-anchor': anchor, style: 'fill:' + col, text: label }, g);
      }
      /* hover: the bin under the pointer */
      const hl = S('rect', { y: m.t, height: ih, class: 'hl', style: 'display:none' }, svg);
      const tip = h('div', { class: 'tip' });
      box.append(tip);
      const hit = S('rect', { x: m.l, y: 0, width: iw, height: H - m.b, style: 'fill:transparent' }, svg);
      const show = ev => {
        const r = svg.getBoundingClientRect();
        const i = Math.max(0, Math.min(B - 1, Math.floor((ev.clientX - r.left - m.l) / iw * B)));
        const x0 = X(lmin + i * bw), x1 = X(lmin + (i + 1) * bw);
        hl.setAttribute('x', x0);
        hl.setAttribute('width', Math.max(1, x1 - x0));
        hl.style.display = '';
        const range = fMs(Math.pow(10, lmin + i * bw)) + ' ' + DASH + ' ' + fMs(Math.pow(10, lmin + (i + 1) * bw));
        const count = cnt[i] > 0 && cnt[i] < 1 ? '<1' : fInt(Math.round(cnt[i]));
        tip.textContent = '';
        tip.append(...tipRows(range, '', [
          { color: '--accent', name: 'requests', value: count + ' (' + fPct(cnt[i] / total * 100) + ')' },
          { color: '--cdf', kind: 'dash', name: 'at or below', value: fPct(cum[i] * 100) }]));
        placeTip(tip, x1, m.t, W);
      };
      hit.addEventListener('pointermove', show);
      hit.addEventListener('pointerdown', show);
      hit.addEventListener('pointerleave', () => { hl.style.display = tip.style.display = 'none'; });
    };
    charts.push(c);
  }

  /* ---- the capacity curve of a --sizing run: workers on x; requests/s on
     the left axis and error % on the right one (with the tolerance) above,
     p99 (with the objective) in a band below; a marker where it stopped.
     pts: [{ t, w, rps, err, p99 }] by workers ---- */
  function capChart(host, pts, cfg) {
    const box = h('div', { class: 'chart' });
    host.append(box);
    const c = {};
    const maxOf = k => Math.max(0, ...pts.map(p => N0(p[k])));
    const hasP99 = pts.some(p => p.p99 !== null);
    c.draw = function () {
      box.textContent = '';
      const W = Math.max(300, box.clientWidth);
      const m = { l: 62, r: 58, t: 36, b: 40 };
      const iw = W - m.l - m.r, ih1 = 230, gap = 30, ih2 = hasP99 ? 110 : 0;
      const t1 = m.t, b1 = t1 + ih1, t2 = b1 + gap, b2 = hasP99 ? t2 + ih2 : b1;
      const H = b2 + m.b;
      const svg = S('svg', { width: W, height: H, role: 'img', 'aria-label': 'capacity curve' });
      box.append(svg);
      /* x: workers */
      const xt = linTicks(Math.max(maxOf('w'), N0(cfg.stopW)), Math.max(2, Math.floor(iw / 70)), 1);
      const X = w => m.l + w / xt.top * iw;
      for (const v of xt.ticks) {
        S('line', { x1: X(v), x2: X(v), y1: t1, y2: b2, class: 'grid' }, svg);
        S('line', { x1: X(v), x2: X(v), y1: b2, y2: b2 + 4, class: 'axis' }, svg);
        S('text', { x: X(v), y: b2 + 15, 'text-anchor': 'middle', text: xt.fmt(v) }, svg);
      }
      S('text', { x: m.l + iw / 2, y: b2 + 33, 'text-anchor': 'middle', class: 'axtitle', text: 'workers' }, svg);
      /* left: requests/s; right: error %, on the same grid lines */
      const lt = linTicks(maxOf('rps'), 5);
      const k = lt.ticks.length - 1;
      const emax = Math.max(maxOf('err'), N0(cfg.tol), 1) / k;
      const p10 = Math.pow(10, Math.floor(Math.log10(emax)));
      let estep = 10 * p10;
      for (const f of [1, 2, 2.5, 5, 10]) if (f * p10 >= emax - 1e-9) { estep = f * p10; break; }
      const Yl = v => b1 - v / lt.top * ih1, Ye = v => b1 - v / (estep * k) * ih1;
      lt.ticks.forEach((v, i) => {
        S('line', { x1: m.l, x2: m.l + iw, y1: Yl(v), y2: Yl(v), class: v ? 'grid' : 'axis' }, svg);
        S('text', { x: m.l - 8, y: Yl(v), dy: '0.32em', 'text-anchor': 'end', text: lt.fmt(v) }, svg);
        S('text', { x: m.l + iw + 8, y: Yl(v), dy: '0.32em', text: +(i * estep).toPrecision(6) + '%',
          style: 'fill:var(--bad)' }, svg);
      });
      const vtitle = (x, y, rot, text, style) => S('text', { x: 0, y: 0, 'text-anchor': 'middle', class: 'axtitle',
        transform: 'translate(' + x + ' ' + y + ') rotate(' + rot + ')', style: style, text: text }, svg);
      vtitle(14, (t1 + b1) / 2, -90, 'requests/s');
      vtitle(W - 10, (t1 + b1) / 2, 90, 'errors', 'fill:var(--bad)');
      /* p99 below */
      let Yp = null;
      if (hasP99) {
        const pt = linTicks(Math.max(maxOf('p99'), N0(cfg.objective) * 1.08), 3);
        Yp = v => b2 - v / pt.top * ih2;
        for (const v of pt.ticks) {
          S('line', { x1: m.l, x2: m.l + iw, y1: Yp(v), y2: Yp(v), class: v ? 'grid' : 'axis' }, svg);
          S('text', { x: m.l - 8, y: Yp(v), dy: '0.32em', 'text-anchor': 'end', text: v ? fTickMs(v) : '0' }, svg);
        }
        vtitle(14, (t2 + b2) / 2, -90, 'p99');
      }
      /* reference lines: the tolerance on the error axis, the p99 objective */
      const ref = (y, color, label) => {
        S('line', { x1: m.l, x2: m.l + iw, y1: y, y2: y, class: 'ref', style: 'stroke:var(' + color + ')' }, svg);
        S('text', { x: m.l + 6, y: y - 4, class: 'reftext', style: 'fill:var(' + color + ')', text: label }, svg);
      };
      if (N(cfg.tol) !== null) ref(Ye(cfg.tol), '--bad', 'tolerance ' + fPctT(cfg.tol));
      if (Yp && N(cfg.objective) !== null) ref(Yp(cfg.objective), '--p99', 'p99 objective ' + fMs(cfg.objective));
      /* the series */
      const dots = [];
      const series = (key, Y, color, area) => {
        const run = pts.filter(p => p[key] !== null).map(p => [X(p.w), Y(p[key])]);
        if (!run.length) return;
        const xy = p => p[0].toFixed(1) + ' ' + p[1].toFixed(1);
        const col = 'var(' + color + ')';
        if (area) {
          S('path', { d: 'M' + run[0][0].toFixed(1) + ' ' + b1 + 'L' + run.map(xy).join('L') + 'L' +
            run[run.length - 1][0].toFixed(1) + ' ' + b1 + 'Z', style: 'fill:' + col + ';opacity:.1' }, svg);
        }
        S('path', { d: 'M' + run.map(xy).join('L'), class: 'line', style: 'stroke:' + col }, svg);
        if (run.length <= iw / 6) {
          for (const p of run) S('circle', { cx: p[0], cy: p[1], r: 2.6, class: 'dot', style: 'fill:' + col }, svg);
        }
        dots.push({ key: key, Y: Y, dot: S('circle', { r: 4.5, class: 'dot', style: 'display:none;fill:' + col }) });
      };
      series('rps', Yl, '--accent', true);
      series('err', Ye, '--bad', false);
      if (Yp) series('p99', Yp, '--p99', false);
      /* where the sizing stopped */
      if (N(cfg.stopW) !== null) {
        const x = X(cfg.stopW), col = 'var(' + (cfg.over ? '--bad' : '--muted') + ')';
        const g = S('g', { class: 'mark' }, svg);
        /* on one line beside the marker, on the side with room; else on two */
        const wid = t => t.length * 6.9 + 8, roomR = W - 4 - x - 6, roomL = x - 6 - 4;
        let lines = [cfg.stopText];
        const cut = cfg.stopText.indexOf(': ');
        if (wid(cfg.stopText) > Math.max(roomR, roomL) && cut > 0) {
          lines = [cfg.stopText.slice(0, cut + 1), cfg.stopText.slice(cut + 2)];
        }
        const w = Math.max(...lines.map(wid));
        const right = w <= roomR || roomR >= roomL;
        S('line', { x1: x, x2: x, y1: t1 - 12 - 14 * (lines.length - 1), y2: b2, style: 'stroke:' + col }, g);
        lines.forEach((t, i) => S('text', { x: right ? x + 6 : x - 6, y: t1 - 12 - 14 * (lines.length - 1 - i),
          dy: '0.32em', 'text-anchor': right ? 'start' : 'end', class: 'stoptext', style: 'fill:' + col, text: t }, g));
        if (N(cfg.stopErr) !== null) {
          S('circle', { cx: x, cy: Ye(cfg.stopErr), r: 5, style: 'fill:none;stroke-width:2;stroke:' + col }, g);
        }
      }
      /* hover: the step nearest the pointer */
      const guide = S('line', { y1: t1, y2: b2, class: 'guide', style: 'display:none' }, svg);
      for (const d of dots) svg.appendChild(d.dot);
      const tip = h('div', { class: 'tip' });
      box.append(tip);
      const hit = S('rect', { x: m.l, y: 0, width: iw, height: b2, style: 'fill:transparent' }, svg);
      const show = ev => {
        const r = svg.getBoundingClientRect(), px = ev.clientX - r.left;
        let best = null;
        for (const p of pts) if (!best || Math.abs(X(p.w) - px) < Math.abs(X(best.w) - px)) best = p;
        if (!best) return;
        const x = X(best.w);
        guide.setAttribute('x1', x);
        guide.setAttribute('x2', x);
        guide.style.display = '';
        for (const d of dots) {
          const v = best[d.key];
          d.dot.style.display = v === null ? 'none' : '';
          if (v !== null) { d.dot.setAttribute('cx', x); d.dot.setAttribute('cy', d.Y(v)); }
        }
        tip.textContent = '';
        tip.append(...tipRows(plural(best.w, 'worker'), best.t !== null ? 'at ' + fDur(best.t) : '', [
          { color: '--accent', name: 'requests/s', value: fRate(best.rps) },
          { color: '--bad', kind: 'ln', name: 'errors', value: fPct(best.err) },
          { color: '--p99', kind: 'ln', name: 'p99', value: fMs(best.p99) }]));
        placeTip(tip, x, t1, W);
      };
      hit.addEventListener('pointermove', show);
      hit.addEventListener('pointerdown', show);
      hit.addEventListener('pointerleave', () => {
        guide.style.display = tip.style.display = 'none';
        for (const d of dots) d.dot.style.display = 'none';
      });
    };
    charts.push(c);
  }

  /* ---- sortable tables. Columns: { t: title, num, get(row) -> text or
     node, key(row) -> sort key, cls(row) -> td class, tip } ---- */
  function table(cols, rows, compact) {
    let sortCol = -1, dir = 1;
    const tbody = h('tbody');
    const fill = () => {
      tbody.textContent = '';
      for (const r of rows) {
        tbody.append(h('tr', null, cols.map(c => {
          const v = c.get(r);
          const cls = [c.num ? 'n' : '', c.cls ? c.cls(r) : ''].join(' ').trim();
          return h('td', { class: cls || null }, v instanceof Node ? v : String(v));
        })));
      }
    };
    const sortBy = k => {
      const c = cols[k], key = c.key || c.get;
      dir = sortCol === k ? -dir : c.num ? -1 : 1;
      sortCol = k;
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return d * dir;
      });
      ths.forEach((th, j) => {
        th.querySelector('.arr').textContent = j === k ? (dir > 0 ? '\u25b2' : '\u25bc') : '';
      });
      fill();
    };
    const ths = cols.map((c, k) => {
      const arr = h('span', { class: 'arr' });
      return h('th', { class: c.num ? 'n' : null, title: c.tip || 'Sort by ' + c.t, onclick: () => sortBy(k) },
        c.num ? arr : null, c.t, c.num ? null : arr);
    });
    fill();
    return h('div', { class: 'tablewrap' },
      h('table', { class: compact ? 'compact' : null }, h('thead', null, h('tr', null, ths)), tbody));
  }
  /* p50/p95/p99/max over every request (or run), failed ones included, and
     the p99 of those that did not fail when the report has it (rows: { n,
     lat, lok }) */
  function latCols(what, rows) {
    const cols = ['p50', 'p95', 'p99', 'max'].map(p => ({ t: p, num: true, tip: p + ' of ' + what,
      get: r => r.n > 0 ? fMs(N(r.lat[p])) : DASH, key: r => N0(r.lat[p]) }));
    if (!rows.some(r => r.lok)) return cols;
    return cols.concat({ t: 'p99 ok', num: true, tip: 'p99 of ' + what + ', ok only: without the failed ones',
      get: r => r.lok ? fMs(N(r.lok.p99)) : DASH, key: r => N0(O(r.lok).p99), cls: () => 'okcol' });
  }
  function chip(cls, title, name, n) {
    return h('span', { class: 'chip ' + cls, title: title }, h('b', { text: name }), fInt(n));
  }
  function statusChips(status, kinds) {
    const out = [];
    for (const code of Object.keys(status).sort()) {
      const n = N(status[code]);
      const cls = /^[2-5][0-9][0-9]$/.test(code) ? 'c' + code[0] : '';
      if (n) out.push(chip(cls, fInt(n) + ' responses with status ' + code, code, n));
    }
    for (const kind of Object.keys(kinds).sort()) {
      const n = N(kinds[kind]);
      if (n) out.push(chip('ck', fInt(n) + ' transport errors: ' + kind, kind, n));
    }
    return out.length ? h('span', null, out) : DASH;
  }
  /* ---- the page ---- */
  const T = O(R.totals), LAT = O(T.latency_ms), LATOK = isObj(T.latency_ok_ms) ? T.latency_ok_ms : null;
  const nReq = N0(T.requests), ok = N0(T.successes), ko = N0(T.failures), runs = ok + ko, canc = N0(T.cancelled);
  const FAILS = fails(T, Object.keys(O(R.requests)).map(k => O(R.requests[k]).status));
  const thresholds = A(R.thresholds).filter(isObj);
  const failedThr = thresholds.filter(t => t.passed !== true).length;
  const startedText = fTime(R.started_at);
  const version = Str(R.version);
  const RT = isObj(R.rate) ? R.rate : null;
  const exitCode = N(R.exit_code), stopReason = Str(R.stop_reason), outcome = Str(R.outcome);
  const early = stopReason !== null && stopReason !== 'completed';
  const failed = failedThr > 0 || (exitCode !== null && exitCode !== 0);
  const hosts = A(R.hosts).map(Str).filter(Boolean);
  /* latency_ms holds the failed requests too where the report says so */
  const newLat = N(LAT.count) !== null || LATOK !== null;
  if (startedText) document.title = 'molotov report' + DOT + startedText;

  /* "2 processes x 25 workers (50)"; older reports gave workers per process */
  function concurrency() {
    const p = N(R.processes), w = N(R.workers), per = N(R.workers_per_process);
    if (w === null) return null;
    const parts = A(O(R.merge).parts).length;
    if (parts) return plural(w, 'worker') + ' over ' + plural(parts, 'part');
    if (p > 1 && per === null) return plural(p, 'process', 'processes') + ' ' + TIMES + ' ' + plural(w, 'worker') + ' (' + fInt(p * w) + ')';
    if (p > 1 && per * p === w) return plural(p, 'process', 'processes') + ' ' + TIMES + ' ' + plural(per, 'worker') + ' (' + fInt(w) + ')';
    return plural(w, 'worker') + (p > 1 ? ' in ' + plural(p, 'process', 'processes') : '');
  }
  function durText() {
    const d = N(R.duration_s), p = N(R.planned_duration_s);
    if (d === null) return null;
    return fDur(d) + (p && Math.abs(p - d) >= 0.5 ? ' of ' + fDur(p) + ' planned' : '');
  }

  function header() {
    const meta = [];
    const item = (k, v) => { if (v) meta.push(h('div', null, h('dt', { text: k }), h('dd', { text: v }))); };
    item('Started', startedText);
    item('Duration', durText());
    item('Concurrency', concurrency());
    if (RT && N(RT.target_per_s) !== null) {
      item('Open model', fRate(RT.target_per_s) + ' starts/s' +
        (N(RT.ramp_up_s) > 0 ? ' (ramp ' + fDur(RT.ramp_up_s) + ')' : ''));
    }
    item(hosts.length > 1 ? 'Targets' : 'Target', hosts.length > 2 ? fInt(hosts.length) + ' origins' : hosts.join(', '));
    item('Script', Str(O(R.script).path));
    const parts = A(O(R.merge).parts).length;
    item('Merged from', parts ? plural(parts, 'report') : null);
    return h('header', { class: 'top' },
      h('div', null,
        h('div', { class: 'brand' }, h('span', { class: 'logo', text: '\u25cf' }),
          'molotov' + (version ? ' ' + version : '')),
        h('h1', { text: 'Load test report' }),
        h('dl', { class: 'meta' }, meta)),
      badge());
  }

  /* FAIL on a failed threshold or a non-zero exit code */
  function badge() {
    if (exitCode === null && !thresholds.length) return null;
    const all = plural(thresholds.length, 'threshold');
    const met = thresholds.length === 1 ? 'the threshold was met' : 'all ' + all + ' met';
    let sub = failedThr ? failedThr + ' of ' + all + ' failed' : thresholds.length ? met : 'exit code ' + exitCode;
    if (failed && !failedThr) sub = !early && outcome ? outcome : 'exit code ' + exitCode;
    return h('div', { class: 'badge ' + (failed ? 'fail' : 'pass'), title: exitCode !== null ? 'exit code ' + exitCode : null },
      failed ? 'FAIL' : 'PASS', h('small', { text: sub }));
  }

  const STOP_VERB = { interrupted: 'was interrupted', aborted: 'was aborted', 'sizing stop': 'was ended by the sizing' };
  const STOP_WHY = { 'no success': 'no scenario run succeeded', 'setup failed': 'its setup failed',
    'worker process crashed': 'a worker process crashed', '--abort-after reached': 'the --abort-after limit was reached' };
  function banner(kind, title, text) {
    return h('div', { class: 'banner ' + kind, role: kind === 'info' ? 'status' : 'alert' },
      h('span', { class: 'ic', text: kind === 'info' ? 'i' : '!' }),
      h('div', null, h('b', { text: title }), text ? h('p', { text: text }) : null));
  }
  /* a run that did not go its planned course, and what merge warned about */
  function banners() {
    const out = [];
    if (early) {
      const d = N(R.duration_s), p = N(R.planned_duration_s);
      const when = d === null ? '' : ' after ' + fDur(d) + (p ? ' of ' + fDur(p) + ' planned' : '');
      const verb = STOP_VERB[stopReason];
      const title = 'This run ' + (verb ? verb + when : 'stopped' + when + ': ' + (STOP_WHY[stopReason] || stopReason)) + '.';
      const why = [outcome && outcome !== stopReason ? outcome : null,
        canc ? plural(canc, 'scenario run') + ' in flight ' + (canc === 1 ? 'was' : 'were') + ' cancelled.' : null];
      out.push(banner(failed ? 'bad' : 'info', title, why.filter(Boolean).join('\n')));
    }
    for (const w of A(O(R.merge).warnings)) {
      if (Str(w)) out.push(banner('warn', 'Merge warning', w.charAt(0).toUpperCase() + w.slice(1)));
    }
    return out;
  }

  function kpi(label, value, unit, sub, bad, wrap) {
    return h('div', { class: 'kpi' + (bad ? ' bad' : '') },
      h('div', { class: 'k', text: label }),
      h('div', { class: 'v' }, value, unit ? h('small', { text: unit }) : null),
      h('div', { class: 's' + (wrap ? ' wrap' : ''), text: sub || '\u00a0', title: sub || null }));
  }
  /* p50, p99 and max side by side: over all requests, with the ok-only
     figure below (older reports: mean, p99.9 and min) */
  function latencyKpi() {
    const has = v => nReq > 0 && N(v) !== null;
    const okOnly = p => 'ok only: ' + (N0(LATOK.count) > 0 || N(LATOK.count) === null ? fMs(N(LATOK[p])) : DASH);
    const old = { p50: 'mean', p99: 'p99.9', max: 'min' };
    const col = (name, p) => {
      const sub = !nReq ? null : LATOK ? okOnly(p) : has(LAT[old[p]]) ? old[p] + ' ' + fMs(LAT[old[p]]) : null;
      return h('div', null, h('div', { class: 'k', text: name }),
        h('div', { class: 'v', text: has(LAT[p]) ? fMs(LAT[p]) : DASH }), h('div', { class: 's', text: sub || '\u00a0' }));
    };
    return h('div', { class: 'kpi grp' }, h('div', { class: 'k' }, 'Latency', newLat ? h('span', { text: ' (all requests)' }) : null),
      h('div', { class: 'cols' }, col('median', 'p50'), col('p99', 'p99'), col('max', 'max')));
  }

  function kpis() {
    const dur = N(R.duration_s), rps = N(T.rps) !== null ? T.rps : dur ? nReq / dur : null;
    let dropped = null;
    if (RT) {
      const d = N0(RT.dropped), st = N0(RT.started);
      dropped = kpi('Dropped starts', fInt(d), d + st > 0 ? '(' + fPct(d / (d + st) * 100) + ')' : null,
        fInt(st) + ' started', d > 0);
    }
    const f = FAILS;
    return h('div', { class: 'kpis' + (dropped ? ' k9' : '') },
      kpi('Requests', fInt(nReq), null, nReq ? fInt(nReq - f.all) + ' ok' : null),
      kpi('Throughput', fRate(rps), 'req/s', dur !== null ? 'over ' + fDur(dur) : null),
      kpi('Failed requests', fInt(f.all), nReq && f.all ? fPct(f.all / nReq * 100) : null,
        f.all ? failShort(f) : 'no failed request', f.all > 0, true),
      kpi('Scenario runs', fInt(runs), null, nbJoin([fInt(ok) + ' ok', canc ? fInt(canc) + ' cancelled' : null]), false, true),
      kpi('Failed runs', fInt(ko), null, runs ? fPct(ko / runs * 100) + ' of runs' : null, ko > 0),
      latencyKpi(), dropped);
  }

  function card(title, hint, ...body) {
    return h('section', { class: 'card' }, h('h2', { text: title }),
      hint ? h('p', { class: 'hint', text: hint }) : null, body);
  }
  function empty(text) { return h('p', { class: 'empty', text: text }); }
  function panel(title, note, items) {
    return h('div', { class: 'panel' }, h('div', { class: 'phead' },
      h('div', { class: 'ptitle' }, h('h3', null, title, note ? h('span', { text: ' (' + note + ')' }) : null)),
      legend(items)));
  }

  /* Whole-run thresholds on p50 or p99 of all requests, as reference lines
     on the latency plot (older reports: read from the expression). */
  function latencyRefs() {
    const out = [];
    for (const t of thresholds) {
      let v = null;
      if (Str(t.metric) !== null) {
        if (t.scope === 'total' && t.ok_only !== true && /^p(50|99)$/.test(t.metric)) v = N(t.limit);
      } else {
        const m = /^\s*(p50|p99)\s*<=?\s*([0-9.]+)\s*(us|ms|s)\s*$/.exec(Str(t.expr) || '');
        if (m) v = +m[2] * (m[3] === 's' ? 1000 : m[3] === 'us' ? 0.001 : 1);
      }
      if (!(v > 0)) continue;
      out.push({ v: v, label: 'threshold ' + (Str(t.expr) || '').trim(), color: t.passed === true ? '--faint' : '--bad' });
    }
    return out;
  }

  /* the report's timeline as one slot a second */
  function perSecond() {
    const pts = A(R.timeline).filter(p => isObj(p) && N(p.t) !== null && p.t >= 0 && p.t < 1e7);
    let n = 0;
    for (const p of pts) n = Math.max(n, Math.floor(p.t) + 1);
    const arr = v => new Array(n).fill(v);
    const ts = { n: n, req: arr(0), bad: arr(0), sOk: arr(0), sKo: arr(0), p50: arr(null), p99: arr(null), unix: arr(null) };
    ts.any = false;
    for (const p of pts) {
      const i = Math.floor(p.t), r = N(p.requests);
      ts.req[i] += N0(r);
      ts.bad[i] += N0(p.failed_requests);
      ts.sOk[i] += N0(p.successes);
      ts.sKo[i] += N0(p.failures);
      /* a second without requests has no latency (older reports said 0) */
      if (r === null ? N0(p.p50_ms) > 0 : r > 0) { ts.p50[i] = N(p.p50_ms); ts.p99[i] = N(p.p99_ms); }
      if (N(p.unix) !== null) ts.unix[i] = p.unix;
      ts.any = ts.any || N0(r) > 0 || N0(p.successes) > 0 || N0(p.failures) > 0;
    }
    return ts;
  }

  function timelineCard() {
    const ts = perSecond(), n = ts.n, unix = ts.unix;
    if (!ts.any) {
      return card('Over time', null,
        empty(nReq || runs ? 'This report has no timeline.' : 'No requests were made during this run.'));
    }
    const hasFail = ts.sKo.some(v => v > 0), hasBad = ts.bad.some(v => v > 0);
    const p1 = panel('Requests per second', null, [{ name: 'requests/s', color: '--accent' }]
      .concat(hasBad ? [{ name: 'failed (below the line)', color: '--bad' }] : []));
    const p2 = panel('Latency', newLat ? 'all requests' : null, [{ name: 'p50', color: '--p50', kind: 'ln' },
      { name: 'p99', color: '--p99', kind: 'ln' }]);
    const p3 = panel('Scenario runs per second', null, [{ name: 'succeeded', color: '--ok' },
      { name: hasFail ? 'failed (below the line)' : 'failed: none', color: '--bad' }]);
    const c = card('Over time', 'One point per second since the start; hover for the values.', p1, p2, p3);
    timeChart(p1, { n: n, unix: unix, height: hasBad ? 200 : 170, title: 'requests per second', int: true,
      up: [{ name: 'requests/s', color: '--accent', kind: 'area', values: ts.req, fmt: fInt }],
      down: hasBad ? [{ name: 'failed', color: '--bad', kind: 'bar', values: ts.bad, fmt: fInt }] : null });
    /* a log axis from the start when the p99 peaks dwarf the usual p50 */
    const med = ts.p50.filter(v => v > 0).sort((a, b) => a - b);
    const peak = Math.max(0, ...ts.p99.map(N0));
    const log = { on: med.length > 0 && peak / med[med.length >> 1] > 40 };
    const lat = timeChart(p2, { n: n, unix: unix, height: 190, title: 'latency p50 and p99 per second',
      log: log, yfmt: v => v ? fTickMs(v) : '0', refs: latencyRefs(),
      up: [{ name: 'p50', color: '--p50', kind: 'line', values: ts.p50, fmt: fMs },
        { name: 'p99', color: '--p99', kind: 'line', values: ts.p99, fmt: fMs }] });
    const seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'latency axis' });
    const btn = (label, on) => h('button', { type: 'button', text: label, 'aria-pressed': String(log.on === on),
      onclick: ev => {
        log.on = on;
        for (const b of seg.children) b.setAttribute('aria-pressed', String(b === ev.currentTarget));
        lat.draw();
      } });
    seg.append(btn('linear', false), btn('log', true));
    p2.querySelector('.ptitle').append(seg);
    timeChart(p3, { n: n, unix: unix, height: hasFail ? 200 : 160, title: 'scenario runs per second', int: true,
      up: [{ name: 'succeeded', color: '--ok', kind: 'bar', values: ts.sOk, fmt: fInt, opacity: 0.8 }],
      down: hasFail ? [{ name: 'failed', color: '--bad', kind: 'bar', values: ts.sKo, fmt: fInt }] : null });
    return c;
  }

  function latStats(lead, L) {
    return h('div', { class: 'stats' }, lead ? h('span', { class: 'lead', text: lead }) : null,
      ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max']
        .filter(k => N(L[k]) !== null).map(k => h('span', null, k, h('b', { text: fMs(L[k]) }))));
  }
  function distributionCard() {
    const buckets = A(R.distribution).filter(isObj);
    const total = buckets.reduce((s, b) => s + Math.max(0, N0(b.count)), 0);
    if (!total) return card('Latency distribution', null, empty('No request latencies were recorded.'));
    const marks = [{ name: 'p50', color: '--p50', v: N(LAT.p50) }, { name: 'p90', color: '--p90', v: N(LAT.p90) },
      { name: 'p99', color: '--p99', v: N(LAT.p99) }];
    const items = [{ name: 'requests', color: '--accent' }, { name: 'cumulative', color: '--cdf', kind: 'dash' }]
      .concat(marks.filter(m => m.v > 0).map(m => ({ name: m.name, color: m.color, kind: 'dash' })));
    const p = panel('Response time', 'log scale', items);
    distChart(p, buckets, marks);
    const okStats = LATOK && N0(LATOK.count) > 0 ? latStats('ok only', LATOK) : null;
    return card('Latency distribution', 'Every request of the run' + (newLat ? ', failed ones included' : '') + ', ' +
      plural(total, 'request') + '.', p, latStats(okStats ? 'all requests' : null, LAT), okStats);
  }

  /* the name, with the most frequent failure message below it */
  function nameWithSub(name, sub, title) {
    return h('span', null, name, sub ? h('span', { class: 'sub', title: title || sub, text: sub }) : null);
  }
  function scenariosCard() {
    const rows = Object.keys(O(R.scenarios)).map(name => {
      const s = O(R.scenarios[name]), top = A(s.top_errors).filter(e => isObj(e) && Str(e.message))[0];
      const ok = N0(s.successes), ko = N0(s.failures), n = N(s.runs) === null ? ok + ko : s.runs;
      return { name: name, n: n, ok: ok, ko: ko, canc: N0(s.cancelled), rate: n ? ko / n * 100 : null, rps: N(s.rps),
        lat: O(s.latency_ms), lok: isObj(s.latency_ok_ms) ? s.latency_ok_ms : null, top: top || null };
    });
    if (!rows.length) return card('Scenarios', null, empty('No scenario ran.'));
    const bad = r => r.ko ? 'bad' : 'zero';
    const anyCanc = rows.some(r => r.canc > 0);
    const hint = 'Latencies here are whole scenario runs' +
      (rows.some(r => r.lok) ? ', failed ones included; p99 ok only the runs that succeeded.' : '.') +
      (anyCanc ? ' Cancelled runs were cut short (deadline, Ctrl-C): neither ok nor failed, and not timed.' : '');
    const top = r => r.top ? fInt(N0(r.top.count)) + ' ' + TIMES + ' ' + r.top.message : null;
    return card('Scenarios', hint, table([
      { t: 'Scenario', get: r => nameWithSub(r.name, top(r), r.top && r.top.message), key: r => r.name, cls: () => 'name' },
      { t: 'Runs', num: true, get: r => fInt(r.n), key: r => r.n },
      { t: 'OK', num: true, tip: 'Runs that succeeded', get: r => fInt(r.ok), key: r => r.ok },
      { t: 'Failed', num: true, get: r => fInt(r.ko), key: r => r.ko, cls: bad },
      anyCanc ? { t: 'Cancelled', num: true, tip: 'Runs cut short: neither ok nor failed', get: r => fInt(r.canc),
        key: r => r.canc, cls: r => r.canc ? '' : 'zero' } : null,
      { t: 'Fail rate', num: true, get: r => fPct(r.rate), key: r => N0(r.rate), cls: bad },
      { t: 'Runs/s', num: true, get: r => fRate(r.rps), key: r => N0(r.rps) },
    ].filter(Boolean).concat(latCols('scenario run time', rows)), rows));
  }

  const ERR_TIP = 'Failed requests: transport errors (timeouts, refused connections, ...) and unexpected statuses ' +
    '(\u2265 400 unless the script said otherwise)';
  /* request rows in the report's order: most requests first */
  function requestRows(obj) {
    return Object.keys(O(obj)).map(label => {
      const q = O(obj[label]), st = O(q.status);
      return { name: label, n: N0(q.count), f: fails(q, [st]), rps: N(q.rps), st: st, kinds: O(q.errors_by_kind),
        lat: O(q.latency_ms), lok: isObj(q.latency_ok_ms) ? q.latency_ok_ms : null };
    });
  }
  function requestTable(rows, short) {
    const errs = r => r.f.all ? h('span', { title: failParts(r.f).join(', '), text: fInt(r.f.all) }) : '0';
    return table([
      { t: 'Label', get: r => r.name, cls: () => 'name mono' },
      { t: 'Requests', num: true, get: r => fInt(r.n), key: r => r.n },
      short ? null : { t: 'Req/s', num: true, get: r => fRate(r.rps), key: r => N0(r.rps) },
      { t: 'Errors', num: true, tip: ERR_TIP, get: errs, key: r => r.f.all, cls: r => r.f.all ? 'bad' : 'zero' },
      { t: 'Status codes', get: r => statusChips(r.st, r.kinds), key: r => r.f.all, cls: () => 'codes' },
    ].filter(Boolean).concat(latCols('response time', rows)), rows, short);
  }
  function failStats() {
    const f = FAILS, cut = N0(T.truncated_bodies);
    const it = (k, v, bad) => h('span', null, k, h('b', { class: bad ? 'bad' : null, text: v }));
    return h('div', { class: 'stats' },
      it('Failed requests', fInt(f.all) + (nReq ? ' (' + fPct(f.all / nReq * 100) + ')' : ''), f.all > 0),
      it('transport errors', fInt(f.t)), it('4xx', fInt(f.c4)), it('5xx', fInt(f.c5)),
      f.other ? it('unexpected statuses', fInt(f.other)) : null,
      cut ? it('bodies cut at --max-body', fInt(cut)) : null);
  }
  function requestsCard() {
    const rows = requestRows(R.requests);
    if (!rows.length) return card('Requests', null, empty('No request was made.'));
    const hint = 'Per label, most requests first. Errors are failed requests: transport errors (timeouts, refused ' +
      'connections, ...) and unexpected statuses (\u2265 400 unless the script said otherwise).' +
      (rows.some(r => r.lok) ? ' Latencies include the failed requests (a timeout at the time it took to fail); ' +
        'p99 ok leaves them out.' : '');
    return card('Requests', hint, requestTable(rows), failStats());
  }
  function fixturesCard() {
    const F = O(R.fixtures), n = N0(F.requests);
    if (!n) return null;
    const e = N0(F.errors), rows = requestRows(F.requests_by_label);
    return card('Fixtures', plural(n, 'request') + ' made by global_setup and global_teardown' +
      (e ? ', ' + fInt(e) + ' failed' : '') + ': not counted in the figures above.', rows.length ? requestTable(rows, true) : null);
  }

  /* what a threshold measured: "all requests", "runs of login, ok only" */
  function thrOver(t) {
    const m = Str(t.metric), sc = Str(t.scope), name = Str(t.name) || '';
    if (!m || !sc) return DASH;
    const lat = !/^(failures|failure_rate|rps)$/.test(m);
    let what = sc === 'scenario' ? 'runs of ' + name : sc === 'request' ? 'requests ' + name
      : sc === 'requests' || lat || m === 'rps' ? 'all requests' : 'all scenario runs';
    return t.ok_only === true ? what + ', ok only' : what;
  }
  function thresholdsCard() {
    if (!thresholds.length) return null;
    const all = plural(thresholds.length, 'threshold');
    const pass = t => t.passed === true;
    return card('Thresholds', failedThr ? failedThr + ' of ' + all + ' failed.' : 'Every threshold was met.', table([
      { t: 'Threshold', get: t => Str(t.expr) || DASH, cls: () => 'name mono' },
      thresholds.some(t => Str(t.scope)) ? { t: 'Over', get: thrOver } : null,
      { t: 'Measured', num: true, get: t => fUnit(t.value, Str(t.unit) || ''), key: t => N0(t.value) },
      { t: 'Result', key: t => pass(t) ? 1 : 0,
        get: t => h('span', { class: 'pill ' + (pass(t) ? 'pass' : 'fail'), text: pass(t) ? 'PASS' : 'FAIL' }) },
    ].filter(Boolean), thresholds.slice(), true));
  }

  function errorsCard() {
    const errs = A(R.errors).filter(isObj).map(e => ({ msg: Str(e.message) || DASH, n: N0(e.count) }));
    if (!errs.length) {
      return card('Failures', null, empty(ko ? 'No failure message was recorded.' : 'No scenario run failed.'));
    }
    const all = errs.reduce((s, e) => s + e.n, 0) || 1;
    const share = e => h('span', { class: 'share' },
      h('span', { class: 'track' }, h('span', { style: 'width:' + (e.n / all * 100).toFixed(1) + '%' })),
      fPct(e.n / all * 100));
    return card('Failures', plural(errs.length, 'distinct message') + DOT + plural(all, 'occurrence') + '.', table([
      { t: 'Count', num: true, get: e => fInt(e.n), key: e => e.n },
      { t: 'Share', get: share, key: e => e.n },
      { t: 'Message', get: e => e.msg, cls: () => 'msg mono' },
    ], errs));
  }

  /* ---- molotov merge: the reports it merged ---- */
  function partsCard() {
    const M = O(R.merge), parts = A(M.parts).filter(isObj), sp = O(M.span);
    if (!parts.length) return null;
    const from = fTime(sp.start), to = fTime(sp.end);
    const hint = 'This report merges ' + plural(parts.length, 'report') + (from && to ? ', from ' + from + ' to ' + to : '') +
      '; each one\u2019s own figures below.';
    const stopped = parts.some(p => Str(p.stop_reason) && p.stop_reason !== 'completed');
    return card('Parts', hint, table([
      { t: 'Part', get: p => nameWithSub(Str(p.hostname) || DASH, Str(p.path)), key: p => Str(p.hostname) || '', cls: () => 'name' },
      { t: 'Started', get: p => fTime(p.started_at) || DASH, key: p => Str(p.started_at) || '' },
      { t: 'Duration', num: true, get: p => fDur(p.duration_s), key: p => N0(p.duration_s) },
      { t: 'Workers', num: true, get: p => fInt(p.workers), key: p => N0(p.workers) },
      { t: 'Requests', num: true, get: p => fInt(p.requests), key: p => N0(p.requests) },
      { t: 'Errors', num: true, tip: ERR_TIP, get: p => fInt(p.errors), key: p => N0(p.errors),
        cls: p => N0(p.errors) ? 'bad' : 'zero' },
      { t: 'p99', num: true, tip: 'p99 of all its requests', get: p => fMs(p.p99_ms), key: p => N0(p.p99_ms) },
      stopped ? { t: 'Stopped', get: p => Str(p.stop_reason) || DASH } : null,
    ].filter(Boolean), parts, true));
  }

  /* ---- the run itself: script, command line, targets, times, ids ---- */
  function runCard() {
    const sc = O(R.script), kv = [];
    const row = (k, ...v) => {
      v = v.filter(x => x !== null && x !== undefined && x !== '');
      if (v.length) kv.push(h('dt', { text: k }), h('dd', null, v));
    };
    const path = Str(sc.path), sha = Str(sc.sha256), cmd = Str(R.command_line);
    const d = N(R.duration_s), p = N(R.planned_duration_s);
    row('Script', path ? h('span', { class: 'mono', text: path }) : null,
      sha ? h('span', { class: 'chip mono', title: 'SHA-256 ' + sha, text: 'sha256 ' + sha.slice(0, 12) }) : null);
    row('Command line', cmd ? h('code', { class: 'cmd', text: cmd }) : null);
    row(hosts.length > 1 ? 'Targets' : 'Target', hosts.map(o => h('span', { class: 'chip mono', text: o })));
    row('Concurrency', concurrency());
    row('Duration', d === null ? null : fDur(d) + (p !== null ? DOT + 'planned ' + fDur(p)
      : 'planned_duration_s' in R ? DOT + 'no planned duration' : ''));
    row('Started', fTime(R.started_at));
    row('Ended', fTime(R.ended_at));
    row('Ended by', [stopReason, exitCode !== null ? 'exit code ' + exitCode : null].filter(Boolean).join(DOT));
    row('Outcome', outcome);
    row('Run id', Str(R.run_id) ? h('span', { class: 'mono', text: R.run_id }) : null);
    row('Host', Str(R.hostname));
    return kv.length ? card('Run', null, h('dl', { class: 'kv' }, kv)) : null;
  }

  /* ---- --sizing: the capacity curve and its steps ---- */
  function capacityCard() {
    if (!isObj(R.sizing)) return null;
    const Z = R.sizing;
    const steps = A(Z.steps).filter(s => isObj(s) && N(s.workers) !== null).map(s => ({ t: N(s.t), w: s.workers,
      rps: N(s.rps), err: N(s.error_pct), p99: N(s.p99_ms) }));
    const tol = N(Z.tolerance_pct), objective = N(Z.p99_objective_ms) > 0 ? Z.p99_objective_ms : null;
    const w = N(Z.workers), over = Z.over === true, reason = Str(Z.reason);
    const atW = w !== null ? ' with ' + plural(w, 'worker') : '';
    let stopText;
    if (!over) {
      stopText = 'Tolerance never passed' + (w !== null ? ': ' + plural(w, 'worker') + ' reached' : '');
    } else if (reason === 'p99') {
      const last = steps.filter(s => s.w === w && s.p99 !== null).pop();
      stopText = 'Sizing is over: p99 ' + (last ? fMs(last.p99) : objective ? 'over ' + fMs(objective) : 'too high') + atW;
    } else if (N(Z.error_pct) !== null) {
      stopText = 'Sizing is over: ' + fPctT(Z.error_pct) + ' errors' + atW;
    } else {
      stopText = 'Sizing is over' + atW;
    }
    const limits = [tol !== null ? 'the errors passed ' + fPctT(tol) : null,
      objective ? 'p99 passed ' + fMs(objective) : null].filter(Boolean).join(' or ');
    const hint = 'Workers were added step by step' + (limits ? ' until ' + limits : '') + '; one point per step.';
    if (!steps.length) {
      const c = card('Capacity', hint, h('p', { class: 'stopline' + (over ? ' bad' : ''), text: stopText }),
        empty('No sizing step was recorded.'));
      c.classList.add('capacity');
      return c;
    }
    const items = [{ name: 'requests/s', color: '--accent' }, { name: 'errors', color: '--bad', kind: 'ln' }];
    if (tol !== null) items.push({ name: 'tolerance', color: '--bad', kind: 'dash' });
    if (steps.some(s => s.p99 !== null)) items.push({ name: 'p99', color: '--p99', kind: 'ln' });
    if (objective) items.push({ name: 'p99 objective', color: '--p99', kind: 'dash' });
    const p = panel('Throughput and errors by workers', null, items);
    capChart(p, steps.slice().sort((a, b) => a.w - b.w || N0(a.t) - N0(b.t)), { tol: tol, objective: objective,
      over: over, stopW: w, stopErr: reason === 'p99' ? null : N(Z.error_pct), stopText: stopText });
    let peak = steps[0];
    for (const s of steps) if (N0(s.rps) > N0(peak.rps)) peak = s;
    const stats = h('div', { class: 'stats' },
      h('span', null, 'Stopped', h('b', { class: over ? 'bad' : null, text: stopText.replace(/^[^:]*: /, '') })),
      h('span', null, 'Peak throughput', h('b', { text: fRate(peak.rps) + ' req/s at ' + plural(peak.w, 'worker') })),
      tol !== null ? h('span', null, 'Tolerance', h('b', { text: fPctT(tol) + ' errors' })) : null,
      objective ? h('span', null, 'p99 objective', h('b', { text: fMs(objective) })) : null);
    const tw = table([
      { t: 't', num: true, get: s => s.t === null ? DASH : fDur(s.t), key: s => N0(s.t) },
      { t: 'Workers', num: true, get: s => fInt(s.w), key: s => s.w },
      { t: 'Requests/s', num: true, get: s => fRate(s.rps), key: s => N0(s.rps) },
      { t: 'Error %', num: true, get: s => fPct(s.err), key: s => N0(s.err),
        cls: s => tol !== null && s.err > tol ? 'bad' : s.err ? '' : 'zero' },
      { t: 'p99', num: true, get: s => fMs(s.p99), key: s => N0(s.p99),
        cls: s => objective && s.p99 > objective ? 'bad' : '' },
    ], steps, true);
    if (steps.length > 10) tw.classList.add('scroll');
    const sp = h('div', { class: 'panel' }, h('div', { class: 'phead' }, h('h3', null, 'Steps',
      h('span', { text: ' (' + steps.length + ')' }))), tw);
    return h('section', { class: 'card capacity' }, h('h2', { text: 'Capacity' }), h('p', { class: 'hint', text: hint }),
      p, stats, sp);
  }

  function footer() {
    const save = () => {
      const blob = new Blob([JSON.stringify(R, null, 2)], { type: 'application/json' });
      const a = h('a', { download: 'molotov-report.json', href: URL.createObjectURL(blob) });
      document.body.append(a);
      a.click();
      a.remove();
    };
    return h('footer', null,
      h('span', { text: 'Generated by molotov' + (version ? ' ' + version : '') + DOT +
        'self-contained: the full report data is embedded in this file' }),
      h('button', { type: 'button', onclick: save, text: 'Download JSON' }));
  }

  /* one part that cannot be drawn does not take the page with it */
  function safe(make) {
    try {
      return make() || '';
    } catch (e) {
      return h('p', { class: 'oops', text: 'Part of this report cannot be drawn: ' + e.message });
    }
  }
  app.textContent = '';
  app.append(...[header, banners, capacityCard, kpis, thresholdsCard, partsCard, timelineCard, distributionCard,
    scenariosCard, requestsCard, fixturesCard, errorsCard, runCard, footer].map(safe).flat());
  const drawAll = () => {
    for (const c of charts) {
      try { c.draw(); } catch (e) { console.error(e); }
    }
  };
  drawAll();
  redraw = { app: app, draw: drawAll, w: app.clientWidth };
  }
  window.molotovRender = molotovRender;
  let pending = 0;
  window.addEventListener('resize', () => {
    if (pending || !redraw || redraw.app.clientWidth === redraw.w) return;
    pending = requestAnimationFrame(() => { pending = 0; redraw.w = redraw.app.clientWidth; redraw.draw(); });
  });
  const embedded = document.getElementById('report');
  if (!embedded) return; /* the dashboard: it calls molotovRender itself */
  let R;
  try {
    R = JSON.parse(embedded.textContent || '{}');
  } catch (e) {
    document.getElementById('app').textContent = 'The report data in this file cannot be read: ' + e.message;
    return;
  }
  molotovRender(R, document.getElementById('app'));
})();
