// End-to-end check of the crash banner (js/crash_banner.js) on the served release bundle in Debian's
// Chromium: ordinary errors leave the page alone; a Wasm trap — thrown asynchronously, rejected in a
// promise, or a real one in the app's own Wasm instance — and the message Rust's panic hook logs each
// bring up the banner, and its Reload button brings the run back where it was.
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/crash_banner.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, launch } = require('./harness.cjs');

const MESSAGE = 'Planwright stopped unexpectedly \u2014 your run is saved; reload to resume';

(async () => {
const dist = path.resolve(process.argv[2] ?? 'dist');
const shots = process.argv[3] ?? 'target/screenshots';
mkdirSync(shots, { recursive: true });
const server = await serve(dist);
const fail = (msg) => { console.error(`e2e crash banner: FAIL ${msg}`); console.log('e2e crash banner: 0 passed, 1 failed'); process.exit(1); };
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
// The app's Wasm exports, for a real trap in its own instance.
await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__planwrightWasm = e.detail.wasm; }));
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));

const banner = '[data-testid="crash-banner"]';
const statuses = () => page.$$eval('[data-testid="task-node"]', (ns) => ns.map((n) => [n.dataset.taskId, n.dataset.status]));
const waitFor = async (what, fn, ms = 30000) => {
  const start = Date.now();
  while (Date.now() - start < ms) { if (await fn()) return; await page.waitForTimeout(50); }
  fail(`timed out waiting for ${what}`);
};
const loaded = () => page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
/** Runs `crash` in the page, checks the banner comes up (saved as `shot`, if named), then reloads with its button. */
const expectBanner = async (what, crash, shot) => {
  await page.evaluate(crash);
  await waitFor(`the banner after ${what}`, async () => (await page.$(banner)) !== null, 5000);
  if (shot) await page.screenshot({ path: `${shots}/${shot}` });
  const shown = await page.$eval(banner, (b) => ({
    text: b.querySelector('p').textContent,
    role: b.getAttribute('role'),
    position: getComputedStyle(b).position,
    focused: document.activeElement?.dataset.testid,
    appInert: document.querySelector('.app')?.closest('[inert]') !== null,
  }));
  if (shown.text !== MESSAGE) fail(`${what}: the banner says ${JSON.stringify(shown.text)}`);
  if (shown.role !== 'alert' || shown.position !== 'fixed') fail(`${what}: role ${shown.role}, position ${shown.position}`);
  if (shown.focused !== 'crash-reload' || !shown.appInert) fail(`${what}: Reload not focused or the dead page not inert`);
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="crash-reload"]')]);
  await loaded();
  if (await page.$(banner)) fail(`${what}: the banner is still there after the reload`);
};

await page.goto(`http://127.0.0.1:${server.address().port}/`);
await loaded();
await page.fill('#demo-failure', '0');
await page.dispatchEvent('#demo-failure', 'change');
await page.fill('[data-testid="goal-input"]', 'Write a briefing on heat pumps');
await page.click('[data-testid="plan-button"]');
await page.waitForSelector('[data-testid="run-button"]:not([disabled])', { timeout: 30000 });
await page.click('[data-testid="run-button"]');
await waitFor('two completed tasks', async () => (await statuses()).filter(([, s]) => s === 'completed').length >= 2);

// Ordinary errors are not crashes.
await page.evaluate(() => {
  setTimeout(() => { throw new Error('an ordinary error'); });
  Promise.reject(new TypeError('an ordinary rejection'));
  console.error('an ordinary message');
});
await page.waitForTimeout(500);
if (await page.$(banner)) fail('an ordinary error brought up the crash banner');

// A trap thrown asynchronously; the run is saved and comes back after the reload.
const done = (await statuses()).filter(([, s]) => s === 'completed').map(([id]) => id);
await expectBanner('a trap thrown asynchronously', () => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }), 'crash-banner.png');
await page.waitForSelector('[data-testid="task-node"]');
const after = Object.fromEntries(await statuses());
for (const id of done) if (after[id] !== 'completed') fail(`${id} was completed before the crash but is ${after[id]} after the reload`);

await expectBanner('a rejected trap', () => { Promise.reject(new WebAssembly.RuntimeError('unreachable')); });
// A real trap in the app's instance: an impossible allocation aborts, and an abort traps — as a panic does.
await expectBanner('a trap in the app', () => setTimeout(() => window.__planwrightWasm.__wbindgen_malloc(0xffffffff, 8)));
if (!pageErrors.some((e) => /RuntimeError: unreachable/.test(e))) fail(`the real trap was not a RuntimeError: ${pageErrors.join(' | ')}`);
await expectBanner('the panic hook\'s message', () => console.error('panicked at src/lib.rs:1:1:\nboom\n\nStack:\n\n'));

await browser.close();
server.close();
console.log(`e2e crash banner: 1 passed, 0 failed (ordinary errors ignored; async, rejected, real trap and panic message show the banner; ${done.length} completed tasks kept across its Reload)`);
})().catch((e) => { console.error(`e2e crash banner: FAIL ${e.stack || e}`); process.exit(1); });
