// End-to-end check of the compute worker in the served release bundle (Debian's Chromium through
// playwright-core): a first visit loads no compute worker until a plan is typed; the first plan is drawn by
// the real worker (compute_worker_loader.js, one for the page, kept for later plans) under the page's
// CSP, every task right of its dependencies and no two boxes overlapping; after a run it writes the
// trace the Trace button downloads (a span per task attempt). Then the same bundle
// served without the worker's files: an import cannot be read and the page says why (the text is
// kept); a plan from the provider is still drawn, in plain columns, and the page says why.
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/compute_worker.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, serveWithout, launch, watchCsp } = require('./harness.cjs');

// Two branches, a join, a long edge (T1 → T8) and a task with two dependencies.
const DEPS = { T1: [], T2: ['T1'], T3: ['T1'], T4: ['T2'], T5: ['T3', 'T2'], T6: ['T4', 'T5'], T7: ['T6'], T8: ['T7', 'T1'] };
const PLAN = JSON.stringify({ tasks: Object.entries(DEPS).map(([id, on]) => ({ id, name: `Task ${id}`, depends_on: on })) });

const fail = (msg) => { console.error(`e2e compute_worker: FAIL ${msg}`); console.log('e2e compute_worker: 0 passed, 1 failed'); process.exit(1); };

/** The boxes as drawn: id, left, right, top, bottom on screen. */
const boxes = (page) => page.$$eval('[data-testid="task-node"]', (ns) => ns.map((n) => {
  const r = n.getBoundingClientRect();
  return { id: n.dataset.taskId, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
}));

/** What is wrong with the drawing of [`PLAN`], if anything. */
async function drawingFaults(page) {
  const drawn = new Map((await boxes(page)).map((b) => [b.id, b]));
  const faults = [];
  for (const [id, on] of Object.entries(DEPS)) {
    for (const dep of on) {
      if (!(drawn.get(dep).right <= drawn.get(id).left)) faults.push(`${id} is not right of ${dep}`);
    }
  }
  const all = [...drawn.values()];
  for (const a of all) {
    for (const b of all) {
      if (a.id < b.id && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) faults.push(`${a.id} overlaps ${b.id}`);
    }
  }
  return faults;
}

/** Imports [`PLAN`] on `url`; resolves to the page, its CSP reports and the compute workers started. */
async function importOn(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const reports = await watchCsp(page);
  const workers = [];
  page.on('worker', (w) => { if (w.url().includes('compute_worker')) workers.push(w.url()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
  await page.waitForTimeout(500);
  if (workers.length) fail(`a compute worker was loaded before anything was typed: ${workers}`);
  await page.click('.import summary');
  await page.fill('[data-testid="import-input"]', PLAN);
  await page.click('[data-testid="import-button"]');
  await page.click('[data-testid="preview-keep"]', { timeout: 10000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="task-node"]').length === n, Object.keys(DEPS).length, { timeout: 30000 })
    .catch(() => fail('the plan was not drawn'));
  await page.waitForTimeout(300);
  return { page, reports, workers };
}

(async () => {
  const dist = path.resolve(process.argv[2] ?? 'dist');
  const shots = process.argv[3] ?? 'target/screenshots';
  mkdirSync(shots, { recursive: true });
  const browser = await launch();

  // Through the real worker.
  const server = await serve(dist);
  const { page, reports, workers } = await importOn(browser, `http://127.0.0.1:${server.address().port}/`);
  const faults = await drawingFaults(page);
  if (faults.length) fail(`drawn by the worker: ${faults.join('; ')}`);
  if (/plain columns/.test(await page.textContent('body'))) fail('the worker was not used');
  const columns = new Set((await boxes(page)).map((b) => Math.round(b.left))).size;
  if (columns !== 6) fail(`expected 6 columns, got ${columns}`);
  // The run's trace is written by the same worker.
  await page.fill('#demo-failure', '0');
  await page.dispatchEvent('#demo-failure', 'change');
  await page.click('[data-testid="run-button"]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="task-node"]')].every((n) => n.dataset.status === 'completed'), null, { timeout: 30000 })
    .catch(() => fail('the run did not finish'));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('[data-testid="export-otlp"]')])
    .catch(() => fail('no trace was downloaded'));
  const trace = JSON.parse(require('node:fs').readFileSync(await download.path(), 'utf8'));
  const spans = trace.resourceSpans[0].scopeSpans[0].spans;
  const attempts = spans.filter((s) => /^task T\d attempt 1$/.test(s.name)).length;
  if (attempts !== Object.keys(DEPS).length) fail(`expected a span per task attempt, got ${spans.map((s) => s.name)}`);
  // Another plan is drawn by the same worker.
  await page.fill('[data-testid="goal-input"]', 'Research the history of tea and write a short report');
  await page.click('[data-testid="plan-button"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-node"]').length >= 7 && !document.querySelector('[data-task-id="T8"]'), null, { timeout: 30000 })
    .catch(() => fail('the Demo plan was not drawn'));
  if (workers.length !== 1 || !workers[0].endsWith('/compute_worker_loader.js')) fail(`expected one compute worker, got ${JSON.stringify(workers)}`);
  if (reports.length) fail(`CSP reports: ${reports.join(' | ')}`);
  await page.screenshot({ path: `${shots}/layout-worker.png` });
  await page.close();

  // Without the worker's files: an imported plan cannot be read (the parser is the worker's) and the
  // page says why; a plan from the provider is drawn in plain columns, and the page says so.
  const bare = await serveWithout(dist, 'compute_worker');
  const plain = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await plain.goto(`http://127.0.0.1:${bare.address().port}/`);
  await plain.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
  await plain.click('.import summary');
  await plain.fill('[data-testid="import-input"]', PLAN);
  await plain.click('[data-testid="import-button"]');
  await plain.waitForFunction(() => /Import failed: the compute worker is unavailable.*reload the page/.test(document.body.textContent), null, { timeout: 10000 })
    .catch(() => fail('no message saying why the import could not be read'));
  if ((await plain.inputValue('[data-testid="import-input"]')) !== PLAN) fail('the plan typed into the import box was lost');
  await plain.fill('[data-testid="goal-input"]', 'Research the history of tea and write a short report');
  await plain.click('[data-testid="plan-button"]');
  await plain.waitForFunction(() => /plain columns/.test(document.body.textContent) && document.querySelectorAll('[data-testid="task-node"]').length >= 5, null, { timeout: 30000 })
    .catch(() => fail('no plan drawn in plain columns with a message saying so'));
  const drawnPlainly = await boxes(plain);
  const overlapping = drawnPlainly.filter((a) => drawnPlainly.some((b) => a.id < b.id && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
  if (overlapping.length) fail(`drawn plainly, boxes overlap: ${overlapping.map((b) => b.id)}`);
  await plain.screenshot({ path: `${shots}/layout-plain.png` });

  console.log('e2e compute_worker: 3 passed, 0 failed');
  await browser.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
