/* dashboard.js: the --dashboard page (src/dashboard.c serves it after
   report.js). It listens to /events: each message is the report so far
   (the --json report's shape), drawn with report.js's
   window.molotovRender into #app; the "final" event is the final report,
   after which the stream ends and the bar links to /report.html and
   /report.json. The bar above says which: waiting, live (with the time,
   requests and failures so far), finished, or gone (the server went away
   before the final report). Its data-state and data-events attributes
   are what the browser test reads. */
(function () {
  'use strict';
  const bar = document.getElementById('dash-bar');
  const state = document.getElementById('dash-state');
  const figures = document.getElementById('dash-figures');
  const links = document.getElementById('dash-links');
  const root = document.getElementById('app');
  const num = new Intl.NumberFormat('en-US');
  let events = 0, finished = false, last = null;

  function secs(v) {
    return typeof v === 'number' && isFinite(v) ? (v < 10 ? v.toFixed(1) : num.format(Math.round(v))) + ' s' : null;
  }
  function show(kind, title, data) {
    bar.dataset.state = kind;
    bar.dataset.events = String(events);
    state.textContent = title;
    const t = data && typeof data.totals === 'object' && data.totals ? data.totals : {};
    const d = secs(data && data.duration_s), p = secs(data && data.planned_duration_s);
    const parts = [];
    if (d) parts.push(d + (p && kind === 'live' ? ' of ' + p : ''));
    if (typeof t.requests === 'number') parts.push(num.format(t.requests) + ' requests');
    if (typeof t.failed_requests === 'number') parts.push(num.format(t.failed_requests) + ' failed');
    if (typeof t.successes === 'number') parts.push(num.format(t.successes) + ' scenario runs ok');
    if (typeof t.failures === 'number') parts.push(num.format(t.failures) + ' failed runs');
    figures.textContent = parts.join(' \u00b7 ');
    bar.dataset.requests = typeof t.requests === 'number' ? String(t.requests) : '';
  }
  function draw(data, live) {
    const view = Object.assign({}, data);
    if (live) { /* no verdict yet: report.js shows none without these */
      delete view.exit_code;
      delete view.stop_reason;
      delete view.outcome;
      delete view.ended_at; /* not ended yet */
    }
    window.molotovRender(view, root);
    /* the report's words for a page that is not a file */
    const h1 = root.querySelector('h1');
    if (h1) h1.textContent = live ? 'Load test, live' : 'Load test, finished';
    const foot = root.querySelector('footer > span');
    if (foot) foot.textContent = 'molotov dashboard' + (live ? ': redrawn every second' : '');
    document.title = 'molotov dashboard \u00b7 ' + (live ? 'live' : 'finished');
  }
  function read(ev) {
    try {
      return JSON.parse(ev.data);
    } catch (e) {
      console.warn('dashboard: an event that is not JSON', e);
      return null;
    }
  }

  if (typeof window.molotovRender !== 'function') {
    root.textContent = 'The report script did not load: this page cannot draw the run.';
    return;
  }
  const source = new EventSource('/events');
  source.onmessage = ev => {
    const data = read(ev);
    if (!data || finished) return;
    events++;
    last = data;
    draw(data, true);
    show('live', 'Live', data);
  };
  source.addEventListener('final', ev => {
    const data = read(ev);
    source.close();
    if (!data) return;
    finished = true;
    events++;
    draw(data, false);
    const code = data.exit_code;
    show('finished', 'Finished' + (typeof code === 'number' && code !== 0 ? ' (exit code ' + code + ')' : ''), data);
    links.hidden = false;
  });
  source.onerror = () => {
    if (finished) return;
    if (source.readyState === EventSource.CLOSED || events) {
      source.close();
      show('gone', 'Disconnected: molotov is no longer serving this run', last);
    }
  };
})();
