/* read_report.js: loads an HTML report in headless Chromium (Debian's
   /usr/bin/chromium, driven by playwright-core from tests/browser/
   node_modules) and prints, as JSON on stdout, what the page drew: every
   console error and page error, the series of each time chart read back
   from the SVG (data-chart, data-series, data-values), the label or
   scenario the "By label" card shows and the series it shows after picking
   another, the tables' headers, and whether a second molotovRender call
   redraws in place. Saves a full-page screenshot.
   Usage: node read_report.js REPORT.html SCREENSHOT.png [PICK_LABEL]
   Exits 77 when playwright-core is not installed (scripts/install-deps.sh). */
'use strict';
const path = require('node:path');
let chromium;
try {
  ({ chromium } = require(path.join(__dirname, 'node_modules', 'playwright-core')));
} catch (e) {
  console.error('playwright-core is not installed: scripts/install-deps.sh installs it into tests/browser');
  process.exit(77);
}

function chartsOf() {
  const out = {};
  for (const svg of document.querySelectorAll('svg[data-chart]')) {
    const c = out[svg.getAttribute('data-chart')] = {};
    for (const el of svg.querySelectorAll('[data-series]')) {
      c[el.getAttribute('data-series')] = JSON.parse(el.getAttribute('data-values'));
    }
  }
  return out;
}

async function main() {
  const [html, png, pick] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'] });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.on('pageerror', e => errors.push('page: ' + e.message));
    page.on('requestfailed', r => errors.push('request: ' + r.url()));
    page.on('request', r => { if (!r.url().startsWith('file:')) errors.push('fetched: ' + r.url()); });
    await page.goto('file://' + path.resolve(html));
    await page.waitForSelector('svg[data-chart="requests"]');
    const out = { errors: errors };
    out.charts = await page.evaluate(chartsOf);
    out.exposed = await page.evaluate(() => window.__molotov && window.__molotov.series);
    out.oops = await page.$$eval('.oops', els => els.map(e => e.textContent));
    out.headers = await page.$$eval('section.card', cards => cards.map(c => ({
      title: c.querySelector('h2').textContent,
      columns: [...c.querySelectorAll('thead th')].map(th => th.textContent.trim()) })));
    out.svgs = await page.$$eval('svg', s => s.length);
    await page.screenshot({ path: png, fullPage: true });
    if (pick) {
      const value = await page.$eval('.pick select', (sel, name) =>
        [...sel.options].find(o => o.textContent === name).value, pick);
      await page.selectOption('.pick select', value);
      out.picked = await page.evaluate(() => window.__molotov.series.pick);
      out.pickCharts = await page.evaluate(chartsOf);
    }
    /* the dashboard's use: a second call redraws in place */
    out.svgsAgain = await page.evaluate(() => {
      window.molotovRender(window.__molotov.report, document.getElementById('app'));
      return document.querySelectorAll('svg').length;
    });
    out.print = await page.emulateMedia({ media: 'print' }).then(() =>
      page.$$eval('footer button', b => b.map(x => getComputedStyle(x).display)));
    process.stdout.write(JSON.stringify(out));
  } finally {
    await browser.close();
  }
}
main().catch(e => { console.error(e); process.exit(1); });
