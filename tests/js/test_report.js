/* test_report.js: the pure helpers of the HTML report's script
   (assets/report/report_lib.js), loaded by node without a browser: what a
   missing or odd value becomes, the formatting of counts, rates,
   latencies, percentages, durations and times, the ticks of the linear,
   log and time axes, and failed requests by cause in both report formats.
   Run: node --test tests/js/ (ctest -L js). */
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const R = require(path.join(__dirname, '..', '..', 'assets', 'report', 'report_lib.js'));
const DASH = '\u2013', NBSP = '\u00a0';

test('loading the script under node draws nothing and exports the helpers', () => {
  assert.equal(typeof document, 'undefined');
  for (const f of ['fMs', 'fInt', 'linTicks', 'logTicks', 'timeTicks', 'fails']) {
    assert.equal(typeof R[f], 'function', f);
  }
});

test('values of another type are read as missing', () => {
  assert.equal(R.isObj({}), true);
  assert.equal(R.isObj([]), false);
  assert.equal(R.isObj(null), false);
  assert.deepEqual(R.O([1]), {});
  assert.deepEqual(R.O({ a: 1 }), { a: 1 });
  assert.deepEqual(R.A('x'), []);
  assert.equal(R.N(3.5), 3.5);
  assert.equal(R.N('3'), null);
  assert.equal(R.N(Infinity), null);
  assert.equal(R.N(NaN), null);
  assert.equal(R.N0(undefined), 0);
  assert.equal(R.N0(-2), -2);
  assert.equal(R.Str(3), null);
  assert.equal(R.Str('a'), 'a');
});

test('counts, numbers and rates', () => {
  assert.equal(R.fInt(1234567), '1,234,567');
  assert.equal(R.fInt(2.6), '3');
  assert.equal(R.fInt(null), DASH);
  assert.equal(R.fNum(5), '5');
  assert.equal(R.fNum(3.14159), '3.14');
  assert.equal(R.fNum(42.42), '42.4');
  assert.equal(R.fNum(123.456), '123');
  assert.equal(R.fNum(-3.5), '-3.50');
  assert.equal(R.fNum('7'), DASH);
  assert.equal(R.fRate(0), '0');
  assert.equal(R.fRate(5.5), '5.50');
  assert.equal(R.fRate(55.55), '55.6');
  assert.equal(R.fRate(1234.4), '1,234');
  assert.equal(R.fRate(undefined), DASH);
  assert.equal(R.plural(1, 'worker'), '1 worker');
  assert.equal(R.plural(2, 'worker'), '2 workers');
  assert.equal(R.plural(3, 'process', 'processes'), '3 processes');
  assert.equal(R.plural(1000, 'request'), '1,000 requests');
});

test('latencies: microseconds, milliseconds, seconds', () => {
  assert.equal(R.fMs(null), DASH);
  assert.equal(R.fMs(0), '0.00 ms');
  assert.equal(R.fMs(0.005), '5.0 \u00b5s');
  assert.equal(R.fMs(0.05), '50 \u00b5s');
  assert.equal(R.fMs(1.234), '1.23 ms');
  assert.equal(R.fMs(12.34), '12.3 ms');
  assert.equal(R.fMs(123.4), '123 ms');
  assert.equal(R.fMs(1500), '1.50 s');
  assert.equal(R.fMs(12500), '12.5 s');
  /* axis labels: no trailing zeros */
  assert.equal(R.fTickMs(1000), '1 s');
  assert.equal(R.fTickMs(1500), '1.5 s');
  assert.equal(R.fTickMs(250), '250 ms');
  assert.equal(R.fTickMs(2), '2 ms');
  assert.equal(R.fTickMs(0.5), '0.5 ms');
});

test('percentages', () => {
  assert.equal(R.fPct(0), '0%');
  assert.equal(R.fPct(0.005), '<0.01%');
  assert.equal(R.fPct(5), '5.00%');
  assert.equal(R.fPct(12.34), '12.3%');
  assert.equal(R.fPct(null), DASH);
  assert.equal(R.fPctT(5), '5%');
  assert.equal(R.fPctT(7.2), '7.2%');
  assert.equal(R.fPctT(10), '10%');
  assert.equal(R.fPctT(0), '0%');
  assert.equal(R.fUnit(null, 'ms'), 'no data');
  assert.equal(R.fUnit(250, 'ms'), '250 ms');
  assert.equal(R.fUnit(0.5, '%'), '0.50%');
  assert.equal(R.fUnit(12.5, '/s'), '12.5/s');
  assert.equal(R.fUnit(3, ''), '3');
  assert.equal(R.fUnit(3, 'runs'), '3 runs');
});

test('durations and times', () => {
  assert.equal(R.fDur(5), '5 s');
  assert.equal(R.fDur(5.5), '5.5 s');
  assert.equal(R.fDur(119.96), '120 s');
  assert.equal(R.fDur(120), '2 min');
  assert.equal(R.fDur(125), '2 min 5 s');
  assert.equal(R.fDur(3600), '1 h');
  assert.equal(R.fDur(3725), '1 h 2 min');
  assert.equal(R.fDur('60'), DASH);
  const d = new Date(Date.UTC(2026, 10, 22, 4, 40, 0, 123));
  assert.equal(R.fClock(d), '04:40:00 UTC');
  assert.equal(R.fDate(d), '2026-11-22 04:40:00 UTC');
  assert.equal(R.fTime('2026-11-22T04:40:00.123Z'), '2026-11-22 04:40:00 UTC');
  assert.equal(R.fTime('not a date'), 'not a date');
  assert.equal(R.fTime(5), null);
  /* seconds since the start on a time axis */
  assert.equal(R.fT(30, 100), '30s');
  assert.equal(R.fT(0, 1000), '0s');
  assert.equal(R.fT(90, 1000), '1m30s');
  assert.equal(R.fT(120, 1000), '2m');
  assert.equal(R.fT(3600, 5000), '1h');
  assert.equal(R.fT(3900, 5000), '1h05');
});

test('linear ticks: from 0 to a round top', () => {
  assert.equal(R.niceStep(100, 5), 20);
  assert.equal(R.niceStep(7, 5), 2);
  assert.equal(R.niceStep(30, 4), 10);
  let t = R.linTicks(97, 5);
  assert.equal(t.top, 100);
  assert.deepEqual(t.ticks, [0, 20, 40, 60, 80, 100]);
  assert.equal(t.fmt(40), '40');
  assert.equal(t.fmt(20000), '20k');
  assert.equal(t.fmt(2500000), '2.5M');
  t = R.linTicks(0, 4); /* nothing to show: 0 to 1 */
  assert.equal(t.top, 1);
  assert.deepEqual(t.ticks, [0, 0.5, 1]);
  assert.equal(t.fmt(0.5), '0.5');
  t = R.linTicks(3, 10, 1); /* whole counts: steps of at least 1 */
  assert.deepEqual(t.ticks, [0, 1, 2, 3]);
  t = R.linTicks(0.3, 3);
  assert.deepEqual(t.ticks, [0, 0.1, 0.2, 0.3]);
  assert.equal(t.fmt(0.2), '0.2');
});

test('log ticks: whole decades, with 2 and 5 when there are few', () => {
  let t = R.logTicks([{ values: [3, 40, null, 0, -1] }]);
  assert.equal(t.log, true);
  assert.equal(t.lo, 0);
  assert.equal(t.hi, 2);
  assert.deepEqual(t.ticks, [1, 2, 5, 10, 20, 50, 100]);
  t = R.logTicks([{ values: [0.5] }, { values: [5000] }]);
  assert.deepEqual(t.ticks, [0.1, 1, 10, 100, 1000, 10000]);
  assert.equal(t.fmt(0.1), '0.1');
  assert.equal(t.fmt(1000), '1,000');
  assert.equal(t.fmt(10000), '10k');
  t = R.logTicks([{ values: [] }]); /* no positive value: 1 to 10 */
  assert.deepEqual(t.ticks, [1, 2, 5, 10]);
});

test('time ticks: a round step for the width', () => {
  let t = R.timeTicks(60, 700);
  assert.deepEqual(t.ticks, [0, 10, 20, 30, 40, 50, 60]);
  assert.equal(t.fmt(30), '30s');
  t = R.timeTicks(3600, 350);
  assert.deepEqual(t.ticks, [0, 900, 1800, 2700, 3600]);
  assert.equal(t.fmt(900), '15m');
  assert.equal(t.fmt(3600), '1h');
});

test('a bar as an SVG path', () => {
  assert.equal(R.pathRect(1, 100, 40, 5), 'M1.0 100.0V40.0h5.00V100.0Z');
});

test('failed requests by cause', () => {
  /* the report says it */
  assert.deepEqual(R.fails({ failed_requests: 10, transport_errors: 2, failed_4xx: 5, failed_5xx: 3, failed_other: 0 }, []),
    { t: 2, c4: 5, c5: 3, other: 0, all: 10 });
  /* older reports: errors were transport errors, statuses >= 400 add */
  const statuses = [{ 200: 10, 404: 3, 503: 2 }, { 500: 1 }];
  assert.deepEqual(R.fails({ errors: 4 }, statuses), { t: 4, c4: 3, c5: 3, other: 0, all: 10 });
  assert.deepEqual(R.fails({ transport_errors: 1, errors: 9 }, [{ 404: 2 }]), { t: 1, c4: 2, c5: 0, other: 0, all: 3 });
  assert.deepEqual(R.failParts({ t: 1, c4: 2, c5: 0, other: 3 }),
    ['1 transport error', '2 4xx', '3 unexpected statuses']);
  assert.equal(R.failShort({ t: 8, c4: 34, c5: 0, other: 0 }), '8' + NBSP + 'transport' + NBSP + '\u00b7 34' + NBSP + '4xx');
  assert.equal(R.nbJoin(['a b', null, 'c']), 'a' + NBSP + 'b' + NBSP + '\u00b7 c');
});

test('bytes, and no rate for a run under a second', () => {
  assert.equal(R.fBytes(999), '999 B');
  assert.equal(R.fBytes(1234567), '1.23 MB');
  assert.equal(R.fBytes(null), DASH);
  assert.equal(R.fDur(0.004), '4 ms');
  assert.equal(R.fDur(0), '0 s');
  assert.deepEqual(R.rateOver(1472, 0.004, 368000), { value: null, sub: '4 ms: too short for a rate' });
  assert.deepEqual(R.rateOver(100, 10, 10), { value: 10, sub: 'over 10 s' });
  // the tables' rates by the same rule: a dash under a second
  assert.equal(R.rateFor(0.011, 93.9), null);
  assert.equal(R.fRate(R.rateFor(0.011, 93.9)), DASH);
  assert.equal(R.rateFor(0.999, 5), null);
  assert.equal(R.rateFor(1, 93.9), 93.9);
  assert.equal(R.rateFor(null, 7), 7); /* no duration: the rate as given */
});

test('the timeline as one slot a second: gaps for latency and workers, never 0', () => {
  const ts = R.perSecond({ timeline: [
    { t: 0, requests: 5, failed_requests: 1, failed_5xx: 1, failed_4xx: 0, p50_ms: 1, p95_ms: 2, p99_ms: 3 },
    { t: 2, requests: 0, failed_requests: 0, successes: 1, workers: 4, p50_ms: null } ] });
  assert.equal(ts.n, 3);
  assert.deepEqual(ts.ok, [4, 0, 0]);
  assert.deepEqual(ts.p95, [2, null, null]);
  assert.deepEqual(ts.workers, [null, null, 4]);
  assert.deepEqual(ts.f5, [1, 0, 0]);
  assert.equal(ts.classes, true);
  const col = R.columns({ t: [0, 2], requests: [3, 4], p95_ms: [1.5, 2.5] }, 3, { a: 'requests', p95: 'p95_ms' });
  assert.deepEqual(col, { a: [3, 0, 4], p95: [1.5, null, 2.5] });
  assert.equal(R.stackMax([{ values: [1, 5] }, { values: [4, 1] }]), 6);
});

test('labels never overprint: beside their mark, else on a new row', () => {
  const p = R.placeLabels([{ x: 100, w: 50 }, { x: 110, w: 50 }, { x: 115, w: 50 }, { x: 118, w: 50 }], 0, 300);
  const boxes = p.map(q => [q.row, q.a, q.b]);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = 0; j < i; j++) {
      const [ri, ai, bi] = boxes[i], [rj, aj, bj] = boxes[j];
      assert.ok(ri !== rj || bi < aj || ai > bj, 'labels ' + i + ' and ' + j + ' overlap');
    }
  }
  assert.deepEqual(p[0], { row: 0, anchor: 'start', a: 104, b: 154 });
  assert.ok(Math.max(...p.map(q => q.row)) >= 1);
  /* no room on the right: it goes left of the mark */
  assert.equal(R.placeLabels([{ x: 290, w: 50 }], 0, 300)[0].anchor, 'end');
});
