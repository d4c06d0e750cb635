/* report_cards.js: the HTML report's cards over time and of where the time
   went, for report.js's page (window.molotovCards(ctx) makes them for one
   render): "Over time" (requests per second, ok and failed stacked on one
   scale, with the workers running on an axis of their own; failed requests
   per second by class; p50/p95/p99 latency with gaps in seconds without a
   request; scenario runs per second, succeeded and failed stacked), "By
   label or scenario" (the same rate and latency for the one picked in a
   list: the report's top labels and every scenario), and "Where the time
   went" (curl's phases per label: DNS, connect, TLS, wait for the first
   byte, transfer; mean, p50 and p95). */
(function () {
  'use strict';
  const { isObj, O, A, N, N0, Str, DASH, fInt, fMs, fTickMs, plural, perSecond, columns } = globalThis.molotovLib;

  /* ctx: { R, K (molotovCharts), card, panel, empty, thresholds, nReq, runs, newLat } */
  globalThis.molotovCards = function (ctx) {
    const { R, K, card, panel, empty, thresholds } = ctx;
    const { h, timeChart, table, charts } = K;

    /* Whole-run thresholds on p50 or p99 of all requests, as reference lines
       on the latency plot (older reports: read from the expression). */
    function latencyRefs() {
      const out = [];
      for (const t of thresholds) {
        let v = null;
        if (Str(t.metric) !== null) {
          if (t.scope === 'total' && t.ok_only !== true && /^p(50|95|99)$/.test(t.metric)) v = N(t.limit);
        } else {
          const m = /^\s*(p50|p99)\s*<=?\s*([0-9.]+)\s*(us|ms|s)\s*$/.exec(Str(t.expr) || '');
          if (m) v = +m[2] * (m[3] === 's' ? 1000 : m[3] === 'us' ? 0.001 : 1);
        }
        if (!(v > 0)) continue;
        out.push({ v: v, label: 'threshold ' + (Str(t.expr) || '').trim(), color: t.passed === true ? '--faint' : '--bad' });
      }
      return out;
    }

    const LINES = [['p50', '--p50'], ['p95', '--p95'], ['p99', '--p99']];
    /* a latency chart (p50/p95/p99) with its linear/log switch in panel p */
    function latencyChart(p, id, n, unix, lat, refs) {
      const med = lat.p50.filter(v => v > 0).sort((a, b) => a - b);
      const peak = Math.max(0, ...lat.p99.map(N0));
      const log = { on: med.length > 0 && peak / med[med.length >> 1] > 40 };
      const c = timeChart(p, { id: id, n: n, unix: unix, height: 190, title: 'latency p50, p95 and p99 per second',
        log: log, yfmt: v => v ? fTickMs(v) : '0', refs: refs,
        up: LINES.map(l => ({ name: l[0], color: l[1], kind: 'line', values: lat[l[0]], fmt: fMs })) });
      const seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'latency axis' });
      const btn = (label, on) => h('button', { type: 'button', text: label, 'aria-pressed': String(log.on === on),
        onclick: ev => {
          log.on = on;
          for (const b of seg.children) b.setAttribute('aria-pressed', String(b === ev.currentTarget));
          c.draw();
        } });
      seg.append(btn('linear', false), btn('log', true));
      p.querySelector('.ptitle').append(seg);
      return c;
    }
    const latItems = () => LINES.map(l => ({ name: l[0], color: l[1], kind: 'ln' }));

    function timelineCard() {
      const ts = perSecond(R), n = ts.n, unix = ts.unix;
      if (!ts.any) {
        return card('Over time', null,
          empty(ctx.nReq || ctx.runs ? 'This report has no timeline.' : 'No requests were made during this run.'));
      }
      const hasFail = ts.sKo.some(v => v > 0), hasBad = ts.bad.some(v => v > 0);
      const hasW = ts.workers.some(v => v !== null);
      const p1 = panel('Requests per second', null, [{ name: 'ok', color: '--accent' }]
        .concat(hasBad ? [{ name: 'failed', color: '--bad' }] : [])
        .concat(hasW ? [{ name: 'workers (right axis)', color: '--workers', kind: 'ln' }] : []));
      const classes = [['transport', '--ft', ts.ft], ['4xx', '--f4', ts.f4], ['5xx', '--f5', ts.f5], ['other', '--fo', ts.fo]]
        .filter(c => c[2].some(v => v > 0));
      const p4 = hasBad && ts.classes ? panel('Failed requests per second', 'by class',
        classes.map(c => ({ name: c[0], color: c[1] }))) : null;
      const p2 = panel('Latency', ctx.newLat ? 'all requests' : null, latItems());
      const p3 = panel('Scenario runs per second', null, [{ name: 'succeeded', color: '--ok' },
        { name: hasFail ? 'failed' : 'failed: none', color: '--bad' }]);
      const c = card('Over time', 'One point per second since the start; hover for the values. A gap is a second ' +
        'without a sample.', p1, p4, p2, p3);
      timeChart(p1, { id: 'requests', n: n, unix: unix, height: 200, title: 'requests per second', int: true,
        up: [{ name: 'ok', color: '--accent', kind: 'bar', stack: true, values: ts.ok, fmt: fInt, opacity: 0.8 },
          { name: 'failed', color: '--bad', kind: 'bar', stack: true, values: ts.bad, fmt: fInt }],
        right: hasW ? { name: 'workers', color: '--workers', kind: 'line', values: ts.workers, fmt: fInt } : null });
      if (p4) {
        timeChart(p4, { id: 'failures', n: n, unix: unix, height: 150, title: 'failed requests per second by class',
          int: true, up: classes.map(k => ({ name: k[0], color: k[1], kind: 'bar', stack: true, values: k[2], fmt: fInt })) });
      }
      latencyChart(p2, 'latency', n, unix, ts, latencyRefs());
      timeChart(p3, { id: 'runs', n: n, unix: unix, height: 170, title: 'scenario runs per second', int: true,
        up: [{ name: 'succeeded', color: '--ok', kind: 'bar', stack: true, values: ts.sOk, fmt: fInt, opacity: 0.8 },
          { name: 'failed', color: '--bad', kind: 'bar', stack: true, values: ts.sKo, fmt: fInt }] });
      return c;
    }

    /* ---- one label's or scenario's series, picked in a list ---- */
    function seriesChoices() {
      const out = [];
      for (const k of Object.keys(O(R.requests))) {
        const q = O(R.requests[k]);
        if (isObj(q.timeline)) out.push({ kind: 'label', name: k, S: q.timeline, a: 'requests', b: 'failed_requests' });
      }
      for (const k of Object.keys(O(R.scenarios))) {
        const q = O(R.scenarios[k]);
        if (isObj(q.timeline)) out.push({ kind: 'scenario', name: k, S: q.timeline, a: 'successes', b: 'failures' });
      }
      return out;
    }
    function seriesCard() {
      const choices = seriesChoices(), ts = perSecond(R), n = ts.n;
      if (!choices.length || !n) return null;
      const host = h('div');
      let mine = [];
      const show = (i, now) => {
        const ch = choices[i], runs = ch.kind === 'scenario';
        const col = columns(ch.S, n, { a: ch.a, b: ch.b, p50: 'p50_ms', p95: 'p95_ms', p99: 'p99_ms' });
        for (const c of mine) charts.splice(charts.indexOf(c), 1);
        host.textContent = '';
        const ok = col.a.map((v, k) => runs ? v : v - col.b[k]);
        const p1 = panel(runs ? 'Runs per second' : 'Requests per second', null,
          [{ name: runs ? 'succeeded' : 'ok', color: runs ? '--ok' : '--accent' }, { name: 'failed', color: '--bad' }]);
        const p2 = panel(runs ? 'Run time' : 'Latency', null, latItems());
        host.append(p1, p2);
        mine = [timeChart(p1, { id: 'pick-rate', n: n, unix: ts.unix, height: 160, title: ch.name + ' per second',
          int: true, up: [{ name: runs ? 'succeeded' : 'ok', color: runs ? '--ok' : '--accent', kind: 'bar', stack: true,
            values: ok, fmt: fInt, opacity: 0.8 },
          { name: 'failed', color: '--bad', kind: 'bar', stack: true, values: col.b, fmt: fInt }] }),
        latencyChart(p2, 'pick-latency', n, ts.unix, col, [])];
        K.exposed.pick = { kind: ch.kind, name: ch.name };
        if (now) for (const c of mine) c.draw();
      };
      const sel = h('select', { 'aria-label': 'label or scenario', onchange: ev => show(+ev.target.value, true) },
        ['label', 'scenario'].map(kind => {
          const of = choices.map((c, i) => [c, i]).filter(x => x[0].kind === kind);
          return of.length ? h('optgroup', { label: kind === 'label' ? 'Request labels' : 'Scenarios' },
            of.map(x => h('option', { value: String(x[1]), text: x[0].name }))) : null;
        }));
      const nl = choices.filter(c => c.kind === 'label').length;
      const c = card('By label or scenario', 'Rate and latency per second of one request label (the ' +
        plural(nl, 'label') + ' with most requests) or scenario (whole runs).',
        h('label', { class: 'pick' }, 'Show', sel), host);
      show(0, false);
      return c;
    }

    /* ---- curl's phases per label ---- */
    const PHASES = [['dns', 'DNS', '--dns'], ['connect', 'Connect', '--conn'], ['tls', 'TLS', '--tls'],
      ['wait', 'Wait (TTFB)', '--wait'], ['transfer', 'Transfer', '--xfer']];
    function timingsCard() {
      const rows = Object.keys(O(R.requests)).map(k => ({ name: k, T: O(O(R.requests[k]).timings_ms) }))
        .filter(r => N(r.T.count) > 0);
      if (!rows.length) return null;
      const cell = (r, p) => {
        const x = O(r.T[p]);
        return h('span', { title: 'mean ' + fMs(N(x.mean)) + ', p50 ' + fMs(N(x.p50)) + ', p95 ' + fMs(N(x.p95)) },
          fMs(N(x.mean)), h('span', { class: 'sub ph', text: 'p95 ' + fMs(N(x.p95)) }));
      };
      const bar = r => {
        const tot = PHASES.reduce((s, p) => s + N0(O(r.T[p[0]]).mean), 0) || 1;
        return h('span', { class: 'phasebar', title: PHASES.map(p => p[1] + ' ' + fMs(N(O(r.T[p[0]]).mean))).join(', ') },
          PHASES.map(p => h('span', { style: 'width:' + (N0(O(r.T[p[0]]).mean) / tot * 100).toFixed(1) +
            '%;background:var(' + p[2] + ')' })));
      };
      return card('Where the time went', 'Per label, from curl\u2019s timings: the mean, with the p95 below (hover for the p50). A reused ' +
        'connection spends nothing on DNS, connect and TLS.', K.legend(PHASES.map(p => ({ name: p[1], color: p[2] }))),
      table([{ t: 'Label', get: r => r.name, cls: () => 'name mono' },
        { t: 'Timed', num: true, get: r => fInt(r.T.count), key: r => N0(r.T.count) },
        { t: 'Split (mean)', get: bar, key: r => N0(O(r.T.wait).mean) }]
        .concat(PHASES.map(p => ({ t: p[1], num: true, get: r => cell(r, p[0]), key: r => N0(O(r.T[p[0]]).mean) }))), rows));
    }

    return { timelineCard, seriesCard, timingsCard, DASH };
  };
})();
