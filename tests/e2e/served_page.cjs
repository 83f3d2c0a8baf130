// End-to-end check of the served release bundle in Debian's Chromium (driven by playwright-core):
// plan a goal with the Demo provider, run it, reload mid-run, and check the run resumes and finishes
// without re-running completed tasks; then import a plan with a cycle and check it is refused. All of
// it under the page's Content-Security-Policy, which must not report a single violation.
// It serves the built bundle itself on a free loopback port (tests/e2e/harness.cjs).
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/served_page.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, launch, watchCsp } = require('./harness.cjs');

(async () => {
const dist = path.resolve(process.argv[2] ?? 'dist');
const shots = process.argv[3] ?? 'target/screenshots';
mkdirSync(shots, { recursive: true });
const server = await serve(dist);
const url = `http://127.0.0.1:${server.address().port}/`;

const fail = (msg) => { console.error(`e2e: FAIL ${msg}`); console.log('e2e: 0 passed, 1 failed'); process.exit(1); };
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const cspReports = await watchCsp(page);
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

const statuses = () => page.$$eval('[data-testid="task-node"]', (ns) => ns.map((n) => [n.dataset.taskId, n.dataset.status]));
const waitFor = async (what, fn, ms = 30000) => {
  const start = Date.now();
  while (Date.now() - start < ms) { if (await fn()) return; await page.waitForTimeout(50); }
  fail(`timed out waiting for ${what}`);
};

await page.goto(url);
await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
// Slow the demo a little and make it never fail, so the reload surely lands mid-run.
await page.fill('#demo-failure', '0');
await page.dispatchEvent('#demo-failure', 'change');
await page.fill('[data-testid="goal-input"]', 'Write a briefing on the state of solid-state batteries for EVs');
await page.click('[data-testid="plan-button"]');
// Tasks stream onto the graph; the plan is complete when it can be run.
await page.waitForSelector('[data-testid="run-button"]:not([disabled])', { timeout: 30000 });
const total = (await statuses()).length;
if (total < 5 || total > 12) fail(`expected 5-12 tasks, got ${total}`);
await page.click('[data-testid="run-button"]');
await waitFor('two completed tasks', async () => (await statuses()).filter(([, s]) => s === 'completed').length >= 2);
await page.screenshot({ path: `${shots}/mid-run.png` });
const before = await statuses();
const doneBefore = before.filter(([, s]) => s === 'completed').map(([id]) => id);
if (doneBefore.length === total) fail('the run finished before the reload; nothing to resume');

await page.reload();
await page.waitForSelector('[data-testid="task-node"]');
const after = Object.fromEntries(await statuses());
for (const id of doneBefore) if (after[id] !== 'completed') fail(`${id} was completed before the reload but is ${after[id]} after`);
await waitFor('every task completed after the resume', async () => (await statuses()).every(([, s]) => s === 'completed'));
for (const id of doneBefore) {
  await page.click(`[data-task-id="${id}"]`);
  await waitFor(`the inspector to show ${id}`, async () => (await page.textContent('.inspector h2')).startsWith(id));
  const attempts = (await page.textContent('[data-testid="inspector-attempts"]')).trim();
  if (attempts !== '1') fail(`${id} ran again after the reload (attempts: ${attempts})`);
}
await page.screenshot({ path: `${shots}/resumed-finished.png` });

await page.click('.import summary');
await page.fill('[data-testid="import-input"]',
  '{"tasks":[{"id":"T1","name":"a","depends_on":["T2"]},{"id":"T2","name":"b","depends_on":["T1"]}]}');
await page.click('[data-testid="import-button"]');
await waitFor('the cycle error', async () => /T1 -> T2 -> T1/.test(await page.textContent('[data-testid="validation-issues"]')));
if (!(await page.isDisabled('[data-testid="run-button"]'))) fail('a plan with a cycle must not be runnable');
await page.screenshot({ path: `${shots}/cycle-refused.png` });

// A 30-task plan mid-run, for a look at a larger graph (saved under target/screenshots).
const tasks = [];
for (let i = 1; i <= 30; i++) {
  const layer = Math.floor((i - 1) / 5);
  const deps = layer === 0 ? [] : [`T${(layer - 1) * 5 + ((i * 7) % 5) + 1}`, `T${(layer - 1) * 5 + ((i * 3) % 5) + 1}`];
  tasks.push({ id: `T${i}`, name: `Step ${i} of the plan`, description: `Task ${i}`, depends_on: [...new Set(deps)], type: 'analysis' });
}
await page.fill('[data-testid="import-input"]', JSON.stringify({ tasks }));
await page.click('[data-testid="import-button"]');
await waitFor('the 30-task graph', async () => (await statuses()).length === 30);
// An imported plan is a preview until kept.
await page.click('[data-testid="preview-keep"]');
await page.click('[data-testid="run-button"]');
await waitFor('some of the 30 tasks done', async () => (await statuses()).filter(([, s]) => s === 'completed').length >= 8);
await page.screenshot({ path: `${shots}/plan-30-mid-run.png`, fullPage: true });
await browser.close();
server.close();
if (cspReports.length) fail(`Content-Security-Policy reports: ${cspReports.join(' | ')}`);
if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(' | ')}`);
console.log(`e2e: 1 passed, 0 failed (served page: ${total} tasks, ${doneBefore.length} completed before reload, none re-run; cycle refused; no CSP report)`);
})().catch((e) => { console.error(`e2e: FAIL ${e.stack || e}`); process.exit(1); });
