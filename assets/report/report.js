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

   The pure helpers are report_lib.js's, the charts report_charts.js's.
   window.molotovRender(data, root) draws a report's data into root and
   can be called again with new data to redraw it (the live dashboard
   does); this page calls it once with its own JSON. What was drawn is on
   window.__molotov (the series of each time chart, by chart) for tests. */
(function () {
  'use strict';
  const { isObj, O, A, N, N0, Str, NF, DASH, TIMES, DOT, fInt, fNum, fRate, fMs, fTickMs, fPct, fPctT, fDur, pad, fClock, fDate, fT, plural, niceStep, linTicks, logTicks, timeTicks, pathRect, fUnit, fTime, fails, failParts, nbJoin, failShort, fBytes, rateOver, rateFor } = globalThis.molotovLib;

  /* Draws the report R into app; returns the charts' redraw. */
  function render(R, app) {
    const K = globalThis.molotovCharts();
    const { charts, h, legend, distChart, capChart, table, latCols, statusChips } = K;
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
      const thr = rateOver(nReq, R.duration_s, T.rps);
      let dropped = null;
      if (RT) {
        const d = N0(RT.dropped), st = N0(RT.started);
        dropped = kpi('Dropped starts', fInt(d), d + st > 0 ? '(' + fPct(d / (d + st) * 100) + ')' : null,
          fInt(st) + ' started', d > 0);
      }
      const f = FAILS;
      return h('div', { class: 'kpis' + (dropped ? ' k9' : '') },
        kpi('Requests', fInt(nReq), null, nReq ? fInt(nReq - f.all) + ' ok' : null),
        kpi('Throughput', fRate(thr.value), thr.value === null ? null : 'req/s', thr.sub, false,
          thr.value === null), /* 'too short for a rate' wraps rather than cut */
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
        return { name: name, n: n, ok: ok, ko: ko, canc: N0(s.cancelled), rate: n ? ko / n * 100 : null, rps: rateFor(R.duration_s, s.rps),
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
        return { name: label, n: N0(q.count), f: fails(q, [st]), rps: rateFor(R.duration_s, q.rps), st: st, kinds: O(q.errors_by_kind),
          lat: O(q.latency_ms), lok: isObj(q.latency_ok_ms) ? q.latency_ok_ms : null,
          out: N(q.bytes_sent), in: N(q.bytes_received) };
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
      ].filter(Boolean).concat(latCols('response time', rows)).concat(short || !rows.some(r => r.out !== null) ? [] : [
        { t: 'Sent', num: true, tip: 'Bytes sent: request headers and bodies (WebSocket: message payloads)',
          get: r => fBytes(r.out), key: r => N0(r.out) },
        { t: 'Received', num: true, tip: 'Bytes received: response headers and bodies as they came (WebSocket: ' +
          'message payloads)', get: r => fBytes(r.in), key: r => N0(r.in) }]), rows, short);
    }
    function failStats() {
      const f = FAILS, cut = N0(T.truncated_bodies);
      const it = (k, v, bad) => h('span', null, k, h('b', { class: bad ? 'bad' : null, text: v }));
      return h('div', { class: 'stats' },
        it('Failed requests', fInt(f.all) + (nReq ? ' (' + fPct(f.all / nReq * 100) + ')' : ''), f.all > 0),
        it('transport errors', fInt(f.t)), it('4xx', fInt(f.c4)), it('5xx', fInt(f.c5)),
        f.other ? it('unexpected statuses', fInt(f.other)) : null,
        cut ? it('bodies cut at --max-body', fInt(cut)) : null,
        N(T.bytes_sent) !== null ? it('sent', fBytes(T.bytes_sent)) : null,
        N(T.bytes_received) !== null ? it('received', fBytes(T.bytes_received)) : null);
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
        rps: N(s.rps), err: N(s.error_pct), p99: N(s.p99_ms), frps: N(s.failed_rps),
        ok: N(s.ok_rps) !== null ? s.ok_rps : N(s.rps) }));
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
      const hasF = steps.some(s => s.frps !== null);
      const items = [{ name: hasF ? 'ok requests/s' : 'requests/s', color: '--accent' }]
        .concat(hasF ? [{ name: 'failed requests/s', color: '--p90', kind: 'ln' }] : [])
        .concat([{ name: 'errors (right axis, to 100%)', color: '--bad', kind: 'ln' }]);
      if (tol !== null) items.push({ name: 'tolerance', color: '--bad', kind: 'dash' });
      if (steps.some(s => s.p99 !== null)) items.push({ name: 'p99', color: '--p99', kind: 'ln' });
      if (objective) items.push({ name: 'p99 objective', color: '--p99', kind: 'dash' });
      const p = panel('Throughput and errors by workers', null, items);
      capChart(p, steps.slice().sort((a, b) => a.w - b.w || N0(a.t) - N0(b.t)), { tol: tol, objective: objective,
        over: over, stopW: w, stopErr: reason === 'p99' ? null : N(Z.error_pct), stopText: stopText });
      let peak = steps[0];
      for (const s of steps) if (N0(s.ok) > N0(peak.ok)) peak = s; /* fast errors are no capacity */
      const stats = h('div', { class: 'stats' },
        h('span', null, 'Stopped', h('b', { class: over ? 'bad' : null, text: stopText.replace(/^[^:]*: /, '') })),
        h('span', null, hasF ? 'Peak good throughput' : 'Peak throughput',
          h('b', { text: fRate(peak.ok) + ' req/s at ' + plural(peak.w, 'worker') })),
        tol !== null ? h('span', null, 'Tolerance', h('b', { text: fPctT(tol) + ' errors' })) : null,
        objective ? h('span', null, 'p99 objective', h('b', { text: fMs(objective) })) : null);
      const tw = table([
        { t: 't', num: true, get: s => s.t === null ? DASH : fDur(s.t), key: s => N0(s.t) },
        { t: 'Workers', num: true, get: s => fInt(s.w), key: s => s.w },
        { t: 'Requests/s', num: true, get: s => fRate(s.rps), key: s => N0(s.rps) },
        hasF ? { t: 'ok/s', num: true, tip: 'Requests per second that did not fail', get: s => fRate(s.ok),
          key: s => N0(s.ok) } : null,
        hasF ? { t: 'failed/s', num: true, tip: 'Failed requests per second', get: s => fRate(s.frps),
          key: s => N0(s.frps), cls: s => s.frps ? 'bad' : 'zero' } : null,
        { t: 'Error %', num: true, get: s => fPct(s.err), key: s => N0(s.err),
          cls: s => tol !== null && s.err > tol ? 'bad' : s.err ? '' : 'zero' },
        { t: 'p99', num: true, get: s => fMs(s.p99), key: s => N0(s.p99),
          cls: s => objective && s.p99 > objective ? 'bad' : '' },
      ].filter(Boolean), steps, true);
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
    const C = globalThis.molotovCards({ R: R, K: K, card: card, panel: panel, empty: empty, thresholds: thresholds,
      nReq: nReq, runs: runs, newLat: newLat });
    app.textContent = '';
    app.append(...[header, banners, capacityCard, kpis, thresholdsCard, partsCard, C.timelineCard, C.seriesCard,
      distributionCard, scenariosCard, requestsCard, C.timingsCard, fixturesCard, errorsCard, runCard, footer]
      .map(safe).flat());
    const drawAll = () => {
      for (const c of charts) {
        try { c.draw(); } catch (e) { console.error(e); }
      }
    };
    drawAll();
    return { redraw: drawAll, series: K.exposed };
  }

  let current = null, pending = 0, lastW = 0, listening = false;
  /* Draws data (a report object) into root, replacing what was there. */
  globalThis.molotovRender = function (data, root) {
    current = render(isObj(data) ? data : {}, root);
    window.__molotov = { series: current.series, report: data };
    lastW = root.clientWidth;
    if (!listening) {
      listening = true;
      window.addEventListener('resize', () => {
        if (pending || root.clientWidth === lastW) return;
        pending = requestAnimationFrame(() => { pending = 0; lastW = root.clientWidth; current.redraw(); });
      });
    }
    return current;
  };

  const app = document.getElementById('app'), el = document.getElementById('report');
  if (!app || !el) return; /* another page (the dashboard) calls molotovRender itself */
  let R;
  try {
    R = JSON.parse(el.textContent || '{}');
  } catch (e) {
    app.textContent = 'The report data in this file cannot be read: ' + e.message;
    return;
  }
  globalThis.molotovRender(R, app);
})();
