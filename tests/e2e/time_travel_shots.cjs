// Screenshots of time travel and of a run comparison for the README, taken on the served release
// bundle in Debian's Chromium (playwright-core): a Demo run scrubbed back to mid-run, then a fork
// with a pinned output compared with its parent.
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/time_travel_shots.cjs dist docs
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, launch } = require('./harness.cjs');

(async () => {
const dist = path.resolve(process.argv[2] ?? 'dist');
const out = process.argv[3] ?? 'docs';
mkdirSync(out, { recursive: true });
const server = await serve(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const fail = (msg) => { console.error(`shots: FAIL ${msg}`); process.exit(1); };
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const waitFor = async (what, fn, ms = 30000) => {
  const start = Date.now();
  while (Date.now() - start < ms) { if (await fn()) return; await page.waitForTimeout(50); }
  fail(`timed out waiting for ${what}`);
};
const statuses = () => page.$$eval('[data-testid="task-node"]', (ns) => ns.map((n) => n.dataset.status));
const scrubTo = (k) => page.$eval('[data-testid="time-scrubber"]', (el, k) => {
  el.value = String(k);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, k);

await page.goto(url);
await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
await page.fill('#demo-failure', '0');
await page.dispatchEvent('#demo-failure', 'change');
await page.fill('[data-testid="goal-input"]', 'Research the history of tea and write a short report');
await page.click('[data-testid="plan-button"]');
await page.waitForSelector('[data-testid="run-button"]:not([disabled])', { timeout: 30000 });
await page.click('[data-testid="run-button"]');
await waitFor('the run to finish', async () => (await page.textContent('[data-testid="run-status"]')) === 'finished');
await waitFor('the scrubber', async () => Number(await page.getAttribute('[data-testid="time-scrubber"]', 'max')) > 4);
const max = Number(await page.getAttribute('[data-testid="time-scrubber"]', 'max'));
await scrubTo(Math.floor(max / 2));
await waitFor('a past moment', async () => (await statuses()).some((s) => s !== 'completed'));
await page.click('[data-testid="task-node"] >> nth=2');
await page.waitForTimeout(300);
await page.screenshot({ path: `${out}/time-travel.png` });

await scrubTo(max);
await waitFor('the live view', async () => (await statuses()).every((s) => s === 'completed'));
const forkAt = await page.$$eval('[data-testid="task-node"]', (ns) => ns[1].dataset.taskId);
await page.click(`[data-task-id="${forkAt}"]`);
await page.click('[data-testid="fork-button"]');
await page.fill('[data-testid="pin-output-input"]', 'A result typed by hand:\nthe history of tea starts in Yunnan.');
await page.click('[data-testid="fork-start"]');
await waitFor('the fork', async () => (await page.$('[data-testid="compare-button"]')) !== null);
await waitFor('the fork to finish', async () => (await page.textContent('[data-testid="run-status"]')) === 'finished');
await page.setViewportSize({ width: 2000, height: 1000 });
await page.click('[data-testid="compare-button"]');
await page.waitForSelector('[data-testid="comparison"]');
// The "N task(s) differ" notice floats over the graph: dismissed, so the marked box shows.
const dismiss = await page.$('[data-testid="notice"] .dismiss');
if (dismiss) await dismiss.click();
await page.waitForTimeout(300);
await page.locator('.center-column').screenshot({ path: `${out}/compare.png` });
console.log(`shots: wrote ${out}/time-travel.png and ${out}/compare.png`);
await browser.close();
server.close();
})().catch((e) => { console.error(e); process.exit(1); });
