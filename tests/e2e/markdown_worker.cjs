// End-to-end check of the Markdown worker in the served release bundle (Debian's Chromium through
// playwright-core): a task result holding a table, raw HTML and a javascript: link is rendered by
// the real worker (markdown_worker_loader.js, one for the page) under the page's CSP — the table
// becomes a <table>, the HTML stays text and runs nothing, only the https link is a link. Then the
// same bundle served without the worker's files: the result stays readable as raw text.
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/markdown_worker.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, serveWithout, launch, watchCsp } = require('./harness.cjs');

const PLAN = JSON.stringify({ tasks: [
  { id: 'T1', name: 'Scope', depends_on: [], description: '\n\n| col | val |\n|---|---|\n| x | 1 |\n\n'
    + '<img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>\n\n'
    + '[bad](javascript:window.__pwned=3) [good](https://example.com/)' },
  { id: 'T2', name: 'Appendix', depends_on: ['T1'] },
] });

(async () => {
const dist = path.resolve(process.argv[2] ?? 'dist');
const shots = process.argv[3] ?? 'target/screenshots';
mkdirSync(shots, { recursive: true });
const fail = (msg) => { console.error(`e2e markdown_worker: FAIL ${msg}`); console.log('e2e markdown_worker: 0 passed, 1 failed'); process.exit(1); };
const browser = await launch();

/** Opens `url`, imports and runs the plan, and shows T1's result; resolves to the page and its CSP reports. */
async function showResult(url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const reports = await watchCsp(page);
  const workers = [];
  page.on('worker', (w) => { if (w.url().includes('markdown_worker')) workers.push(w.url()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
  await page.fill('#demo-failure', '0');
  await page.dispatchEvent('#demo-failure', 'change');
  await page.click('.import summary');
  await page.fill('[data-testid="import-input"]', PLAN);
  await page.click('[data-testid="import-button"]');
  await page.click('[data-testid="preview-keep"]', { timeout: 10000 });
  await page.waitForSelector('[data-testid="run-button"]:not([disabled])', { timeout: 10000 });
  if (workers.length) fail(`the worker started before any result was shown: ${workers}`);
  await page.click('[data-testid="run-button"]');
  const start = Date.now();
  while (!(await page.$$eval('[data-testid="task-node"]', (ns) => ns.every((n) => n.dataset.status === 'completed')))) {
    if (Date.now() - start > 30000) fail('the run did not finish');
    await page.waitForTimeout(50);
  }
  await page.click('[data-task-id="T1"]');
  return { page, reports, workers };
}

// Through the real worker.
const server = await serve(dist);
const { page, reports, workers } = await showResult(`http://127.0.0.1:${server.address().port}/`);
await page.waitForSelector('[data-testid="result-markdown"][data-rendered] table', { timeout: 10000 }).catch(() => fail('no rendered table'));
const rendered = await page.$eval('[data-testid="result-markdown"]', (r) => ({
  text: r.textContent, img: r.querySelectorAll('img,script,iframe').length, th: r.querySelectorAll('th').length,
  links: [...r.querySelectorAll('a')].map((a) => a.getAttribute('href')), pre: r.querySelectorAll('pre').length,
}));
if (rendered.img) fail(`raw HTML became elements: ${rendered.img}`);
if (!rendered.text.includes('<img src=x onerror="window.__pwned=1">')) fail(`the raw HTML is not shown as text: ${rendered.text}`);
if (rendered.th !== 2) fail(`expected a head row of 2 cells, got ${rendered.th}`);
if (rendered.links.join() !== 'https://example.com/') fail(`only the https link may be a link: ${rendered.links}`);
await page.click('[data-task-id="T2"]');
await page.waitForSelector('[data-testid="result-markdown"][data-rendered]', { timeout: 10000 }).catch(() => fail('T2 not rendered'));
await page.click('[data-task-id="T1"]');
await page.waitForSelector('[data-testid="result-markdown"][data-rendered] table', { timeout: 10000 }).catch(() => fail('T1 not rendered again'));
if (await page.evaluate(() => window.__pwned)) fail('the hostile HTML ran');
const loaders = workers.filter((u) => u.endsWith('/markdown_worker_loader.js'));
if (workers.length !== 1 || loaders.length !== 1) fail(`expected one shared Markdown worker, got ${JSON.stringify(workers)}`);
if (reports.length) fail(`CSP reports: ${reports.join(' | ')}`);
await page.screenshot({ path: `${shots}/markdown-worker.png` });
await page.close();

// Without the worker's files: the raw text stays, in a <pre>, and nothing breaks.
const bare = await serveWithout(dist, 'markdown_worker');
const { page: fallback } = await showResult(`http://127.0.0.1:${bare.address().port}/`);
await fallback.waitForSelector('[data-testid="result-markdown"] pre', { timeout: 10000 }).catch(() => fail('no raw text'));
await fallback.waitForTimeout(1500);
const raw = await fallback.$eval('[data-testid="result-markdown"]', (r) =>
  ({ text: r.textContent, tables: r.querySelectorAll('table').length, rendered: r.hasAttribute('data-rendered') }));
if (raw.tables || raw.rendered || !raw.text.includes('| col | val |')) fail(`without the worker: ${JSON.stringify(raw)}`);
if (await fallback.evaluate(() => window.__pwned)) fail('the hostile HTML ran without the worker');

console.log('e2e markdown_worker: 2 passed, 0 failed');
await browser.close();
process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
