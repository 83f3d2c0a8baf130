// End-to-end check of the provider worker in the served release bundle (Debian's Chromium through
// playwright-core): a first visit loads no provider worker until a goal is typed; the Demo's plan
// streams in and its run finishes through the real worker (provider_worker_loader.js, one for the
// page, kept for the run and the next plan) with no CSP report. Then the same bundle served without
// the worker's files: planning fails with a message that says why and what to do, and the goal
// typed is kept. (The HTTP providers through the worker: tests/e2e/proxy.cjs; both ends of the
// protocol: tests/native_provider_worker.rs.)
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/provider_worker.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, serveWithout, launch, watchCsp } = require('./harness.cjs');

const GOAL = 'Research the history of tea and write a short report';
const fail = (msg) => { console.error(`e2e provider_worker: FAIL ${msg}`); console.log('e2e provider_worker: 0 passed, 1 failed'); process.exit(1); };

/** Opens `url`; resolves to the page, its CSP reports and the provider workers started. */
async function open(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const reports = await watchCsp(page);
  const workers = [];
  page.on('worker', (w) => { if (w.url().includes('provider_worker')) workers.push(w.url()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
  await page.waitForTimeout(500);
  if (workers.length) fail(`a provider worker was loaded before anything was typed: ${workers}`);
  await page.fill('[data-testid="goal-input"]', GOAL);
  return { page, reports, workers };
}

(async () => {
  const dist = path.resolve(process.argv[2] ?? 'dist');
  const shots = process.argv[3] ?? 'target/screenshots';
  mkdirSync(shots, { recursive: true });
  const browser = await launch();

  // Through the real worker: plan, run, plan again.
  const server = await serve(dist);
  const { page, reports, workers } = await open(browser, `http://127.0.0.1:${server.address().port}/`);
  await page.click('[data-testid="plan-button"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-node"]').length >= 5, null, { timeout: 30000 })
    .catch(() => fail('the Demo plan did not arrive'));
  await page.fill('#demo-failure', '0');
  await page.dispatchEvent('#demo-failure', 'change');
  await page.click('[data-testid="run-button"]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="task-node"]')].every((n) => n.dataset.status === 'completed'), null, { timeout: 60000 })
    .catch(() => fail('the run did not finish'));
  const tasks = await page.$$eval('[data-testid="task-node"]', (ns) => ns.length);
  await page.fill('[data-testid="goal-input"]', 'Review the change to the login form');
  await page.click('[data-testid="plan-button"]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="task-node"]')].every((n) => n.dataset.status === 'pending'), null, { timeout: 30000 })
    .catch(() => fail('the second plan did not arrive'));
  if (workers.length !== 1 || !workers[0].endsWith('/provider_worker_loader.js')) fail(`expected one provider worker, got ${JSON.stringify(workers)}`);
  if (reports.length) fail(`CSP reports: ${reports.join(' | ')}`);
  await page.close();

  // Without the worker's files: a clear message, and the goal is still there.
  const bare = await serveWithout(dist, 'provider_worker');
  const { page: lost } = await open(browser, `http://127.0.0.1:${bare.address().port}/`);
  await lost.click('[data-testid="plan-button"]');
  await lost.waitForFunction(() => /provider worker is not available.*reload the page/.test(document.body.textContent), null, { timeout: 15000 })
    .catch(async () => fail(`no message saying the provider worker is missing: ${(await lost.textContent('body')).slice(0, 400)}`));
  if ((await lost.inputValue('[data-testid="goal-input"]')) !== GOAL) fail('the goal typed was lost');
  await lost.screenshot({ path: `${shots}/provider-worker-missing.png` });

  console.log(`e2e provider_worker: 2 passed, 0 failed (Demo plan of ${tasks} tasks run through one worker; missing worker explained)`);
  await browser.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
