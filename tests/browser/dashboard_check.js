/* dashboard_check.js: drives headless Chromium (Debian's /usr/bin/chromium,
   through playwright-core from tests/browser/node_modules) over a running
   molotov --dashboard, for test_dashboard_browser.py:
     node dashboard_check.js URL OUT_DIR
   It opens the page during the run, waits for two events whose request
   counts differ, keeps the page's text and figures at each, a screenshot
   while live (dashboard-live.png) and once finished (dashboard.png), and
   prints one JSON line: {live: [..2], final, errors} (console errors, a
   resource that failed to load among them, and uncaught exceptions; not
   the page's own abort of /events once it has the final event). */
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

async function state(page) {
  return page.evaluate(() => {
    const bar = document.getElementById('dash-bar');
    const app = document.getElementById('app');
    return {
      state: bar.dataset.state, events: Number(bar.dataset.events),
      requests: bar.dataset.requests === '' ? null : Number(bar.dataset.requests),
      bar: bar.innerText, text: app.innerText, svgs: app.querySelectorAll('svg').length,
      title: document.title, links: !document.getElementById('dash-links').hidden,
    };
  });
}

async function main() {
  const [url, outDir] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.on('pageerror', e => errors.push('exception: ' + e.message));
    await page.goto(url);
    const bar = 'document.getElementById("dash-bar").dataset';
    await page.waitForFunction(`Number(${bar}.events) >= 1 && ${bar}.requests > 0`, null, { timeout: 20000 });
    const first = await state(page);
    await page.waitForFunction(`Number(${bar}.requests) > ${first.requests} && ${bar}.state === 'live'`,
      null, { timeout: 20000 });
    const second = await state(page);
    await page.screenshot({ path: path.join(outDir, 'dashboard-live.png'), fullPage: true });
    await page.waitForFunction(`${bar}.state === 'finished'`, null, { timeout: 60000 });
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const final = await state(page);
    await page.screenshot({ path: path.join(outDir, 'dashboard.png'), fullPage: true });
    process.stdout.write(JSON.stringify({ live: [first, second], final, errors }) + '\n');
  } finally {
    await browser.close();
  }
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
