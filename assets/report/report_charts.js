/* report_charts.js: the DOM and chart half of the HTML report, over
   report_lib.js's helpers: elements built with text only, legends,
   tooltips, and the plots, ours into inline SVG (no library, no font,
   nothing fetched, so the file opens anywhere and prints): a chart over
   time, the latency distribution on a log axis, the capacity curve of
   --sizing, and sortable tables. window.molotovCharts() makes one set of
   them for a page (report.js's molotovRender): the charts it made redraw
   together (resize) and share a hover guide (one second) with a tooltip.
   Every series drawn carries its values in data-* attributes (data-series,
   data-values) for tests and tools to read back. */
(function () {
  'use strict';
  const { isObj, O, A, N, N0, Str, NF, DASH, TIMES, DOT, fInt, fNum, fRate, fMs, fTickMs, fPct, fPctT, fDur, pad, fClock, fDate, fT, plural, niceStep, linTicks, logTicks, timeTicks, pathRect, fUnit, fTime, fails, failParts, nbJoin, failShort, placeLabels, stackMax } = globalThis.molotovLib;

  globalThis.molotovCharts = function () {
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

    /* ---- a chart over time: n seconds on x, one scale for the `up` series
       (bars with stack: true pile up, in order), and an optional `right`
       series (a line: workers) on an axis of its own at the right. Series:
       { name, color (a CSS variable), kind: line|area|bar, values[n], fmt,
       stack }. A null value is a gap. cfg.id names the chart in
       window.__molotov and in the svg's data-chart. ---- */
    const exposed = {};
    function timeChart(host, cfg) {
      const box = h('div', { class: 'chart' });
      host.append(box);
      const c = { cfg: cfg };
      const all = cfg.up.concat(cfg.right ? [cfg.right] : []);
      if (cfg.id) {
        exposed[cfg.id] = { n: cfg.n, series: {} };
        for (const s of all) exposed[cfg.id].series[s.name] = s.values.slice();
      }
      c.draw = function () {
        box.textContent = '';
        const W = Math.max(260, box.clientWidth), H = cfg.height || 180;
        const m = { l: 50, r: cfg.right ? 44 : 14, t: 10, b: 22 };
        const iw = W - m.l - m.r, ih = H - m.t - m.b, n = cfg.n;
        const y0 = m.t + ih;
        const X = t => m.l + t / n * iw;
        const svg = S('svg', { width: W, height: H, role: 'img', 'aria-label': cfg.title, 'data-chart': cfg.id || null });
        box.append(svg);
        const refs = cfg.refs || [];
        const stacked = cfg.up.filter(s => s.stack), single = cfg.up.filter(s => !s.stack);
        const top = Math.max(stackMax(stacked), ...single.map(s => stackMax([s])), ...refs.map(r => N0(r.v)));
        const up = cfg.log && cfg.log.on ? logTicks(cfg.up.concat([{ values: refs.map(r => r.v) }]))
          : linTicks(top, Math.max(2, Math.round(ih / 36)), cfg.int ? 1 : 0);
        const Yup = up.log ? v => y0 - (Math.log10(v) - up.lo) / (up.hi - up.lo) * ih : v => y0 - v / up.top * ih;
        const yfmt = cfg.yfmt || up.fmt;
        for (const v of up.ticks) {
          const y = Yup(v);
          S('line', { x1: m.l, x2: m.l + iw, y1: y, y2: y, class: up.log || v ? 'grid' : 'axis' }, svg);
          S('text', { x: m.l - 8, y: y, dy: '0.32em', 'text-anchor': 'end', text: yfmt(v) }, svg);
        }
        if (up.log) S('line', { x1: m.l, x2: m.l + iw, y1: y0, y2: y0, class: 'axis' }, svg);
        let Yr = null;
        if (cfg.right) {
          const rt = linTicks(stackMax([cfg.right]), Math.max(2, Math.round(ih / 50)), 1);
          Yr = v => y0 - v / rt.top * ih;
          for (const v of rt.ticks) {
            S('text', { x: m.l + iw + 8, y: Yr(v), dy: '0.32em', text: rt.fmt(v), style: 'fill:var(' + cfg.right.color + ')' }, svg);
          }
        }
        const tt = timeTicks(n, iw);
        for (const t of tt.ticks) {
          S('line', { x1: X(t), x2: X(t), y1: H - m.b, y2: H - m.b + 4, class: 'axis' }, svg);
          S('text', { x: X(t), y: H - m.b + 15, 'text-anchor': 'middle', text: tt.fmt(t) }, svg);
        }
        const rl = placeLabels(refs.map(r => ({ x: m.l + iw - 4, w: r.label.length * 6.2, r: r })), m.l, m.l + iw);
        refs.forEach((r, k) => {
          const y = Yup(r.v), style = 'var(' + r.color + ')';
          S('line', { x1: m.l, x2: m.l + iw, y1: y, y2: y, class: 'ref', style: 'stroke:' + style }, svg);
          S('text', { x: m.l + iw - 4, y: y - 4 - rl[k].row * 12, 'text-anchor': 'end', class: 'reftext',
            style: 'fill:' + style, text: r.label }, svg);
        });
        const dots = [], base = new Array(n).fill(0);
        const tag = (el, s) => {
          el.setAttribute('data-series', s.name);
          el.setAttribute('data-values', JSON.stringify(s.values.slice(0, n)));
          return el;
        };
        function bars(s, Y) {
          const v = s.values, col = 'var(' + s.color + ')';
          const bw = iw / n, gap = bw > 4 ? Math.min(2, bw * 0.2) : 0;
          let d = '';
          for (let i = 0; i < n; i++) {
            const val = Math.max(0, N0(v[i])), b = s.stack ? base[i] : 0;
            if (val > 0) d += pathRect(X(i) + gap / 2, Y(b), Y(b + val), Math.max(0.6, bw - gap));
            if (s.stack) base[i] += val;
          }
          tag(S('path', { d: d || 'M0 0', style: 'fill:' + col + ';opacity:' + (s.opacity || 1) }, svg), s);
        }
        function line(s, Y, logAxis) {
          const v = s.values, col = 'var(' + s.color + ')';
          let ln = '', area = '', run = [];
          const xy = p => p[0].toFixed(1) + ' ' + p[1].toFixed(1);
          const flush = () => {
            if (!run.length) return;
            ln += 'M' + run.map(xy).join('L');
            area += 'M' + run[0][0].toFixed(1) + ' ' + y0.toFixed(1) + 'L' + run.map(xy).join('L') +
              'L' + run[run.length - 1][0].toFixed(1) + ' ' + y0.toFixed(1) + 'Z';
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
          tag(S('path', { d: ln || 'M0 0', class: 'line' + (s.dash ? ' dashed' : ''), style: 'stroke:' + col }, svg), s);
          dots.push({ s: s, Y: Y, log: logAxis,
            dot: S('circle', { r: 3.5, class: 'dot', style: 'display:none;fill:' + col }) });
        }
        for (const s of cfg.up) (s.kind === 'bar' ? bars(s, Yup) : line(s, Yup, up.log));
        if (cfg.right) line(cfg.right, Yr, false);
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
          const rows = all.map(s => ({ color: s.color, name: s.name,
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
        const W = Math.max(260, box.clientWidth);
        const m = { l: 50, r: 44, t: 34, b: 24 };
        const X0 = l => m.l + (l - lmin) / (lmax - lmin) * (W - m.l - m.r);
        const probe = marks.filter(mk => mk.v > 0).sort((a, b) => a.v - b.v)
          .map(mk => ({ x: X0(Math.log10(mk.v)), w: (mk.name + ' ' + fMs(mk.v)).length * 6.4 + 6 }));
        const rowsUp = Math.max(0, ...placeLabels(probe, 0, W).map(p => p.row)); /* rows past one */
        m.t += rowsUp * 13;
        const H = 250 + rowsUp * 13;
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
        /* percentile marks, their labels kept apart (placeLabels: beside
           the line, else on another row above the plot) */
        const mk = marks.filter(mk => mk.v > 0).sort((a, b) => a.v - b.v).map(mk => {
          const label = mk.name + ' ' + fMs(mk.v);
          return { x: X(Math.log10(mk.v)), w: label.length * 6.4 + 6, label: label, mk: mk };
        });
        placeLabels(mk, 0, m.l + iw + m.r).forEach((p, k) => {
          const it = mk[k], g = S('g', { class: 'mark' }, svg), ty = m.t - 22 - p.row * 13;
          const col = 'var(' + it.mk.color + ')';
          S('line', { x1: it.x, x2: it.x, y1: ty - 4, y2: m.t + ih, style: 'stroke:' + col }, g);
          S('text', { x: p.anchor === 'start' ? it.x + 4 : it.x - 4, y: ty + 4, 'text-anchor': p.anchor,
            style: 'fill:' + col, text: it.label, 'data-mark': it.mk.name }, g);
        });
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
        const lt = linTicks(Math.max(maxOf('ok'), maxOf('frps')), 5);
        const Yl = v => b1 - v / lt.top * ih1, Ye = v => b1 - v / 100 * ih1; /* errors: 0 to 100% */
        for (const v of lt.ticks) {
          S('line', { x1: m.l, x2: m.l + iw, y1: Yl(v), y2: Yl(v), class: v ? 'grid' : 'axis' }, svg);
          S('text', { x: m.l - 8, y: Yl(v), dy: '0.32em', 'text-anchor': 'end', text: lt.fmt(v) }, svg);
        }
        for (const v of [0, 25, 50, 75, 100]) {
          S('text', { x: m.l + iw + 8, y: Ye(v), dy: '0.32em', text: v + '%', style: 'fill:var(--bad)' }, svg);
        }
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
        series('ok', Yl, '--accent', true);
        series('frps', Yl, '--p90', false);
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
            { color: '--accent', name: 'ok requests/s', value: fRate(best.ok) },
            { color: '--p90', kind: 'ln', name: 'failed requests/s', value: fRate(best.frps) },
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

    return { charts, exposed, h, S, swatch, legend, tipRows, placeTip, timeChart, distChart, capChart, table, latCols,
      chip, statusChips };
  };
})();
