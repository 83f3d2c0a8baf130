// End-to-end check of the served release bundle's Content-Security-Policy in Debian's Chromium:
// the policy is in force (an injected inline script and eval are refused), yet what the app needs
// still works — its Wasm loader (allowed by hash), a request to an LLM endpoint on another origin
// (any http: or https: host), and the PNG export (a data: image) — with no other CSP report.
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/csp.cjs dist target/screenshots
const http = require('node:http');
const path = require('node:path');
const { serve, launch, watchCsp } = require('./harness.cjs');

/** A stand-in LLM endpoint on another port: answers `GET /v1/models` to any origin. */
function endpoint() {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end('{"data":[{"id":"m"}]}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

(async () => {
const dist = path.resolve(process.argv[2] ?? 'dist');
const server = await serve(dist);
const llm = await endpoint();
const fail = (msg) => { console.error(`e2e csp: FAIL ${msg}`); console.log('e2e csp: 0 passed, 1 failed'); process.exit(1); };
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const reports = await watchCsp(page);
const waitFor = async (what, fn, ms = 10000) => {
  const start = Date.now();
  while (Date.now() - start < ms) { if (await fn()) return; await page.waitForTimeout(50); }
  fail(`timed out waiting for ${what}`);
};

await page.goto(`http://127.0.0.1:${server.address().port}/`);
// The app starts: Trunk's inline loader ran, so its hash is in the policy.
await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
for (const part of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-", "object-src 'none'", "base-uri 'none'",
                    "connect-src 'self' http: https:", "img-src 'self' data: blob:", "worker-src 'self'"]) {
  if (!policy.includes(part)) fail(`the policy lacks ${part}: ${policy}`);
}
if (policy.includes('{{')) fail(`the hash marker was not replaced: ${policy}`);

// What the app needs: an LLM endpoint on another origin (here: another port; localhost too), and
// https: hosts (this one does not resolve: only a CSP refusal would be reported).
const reached = await page.evaluate(async (port) => {
  const get = (url) => fetch(url).then((r) => r.json()).then((j) => j.data[0].id, (e) => String(e));
  await fetch('https://planwright.invalid/v1/models').catch(() => {});
  return [await get(`http://127.0.0.1:${port}/v1/models`), await get(`http://localhost:${port}/v1/models`)];
}, llm.address().port);
if (reached.join() !== 'm,m') fail(`an LLM endpoint on another origin was not reached: ${reached}`);
// The PNG export draws the graph through a data: image.
await page.click('.import summary');
await page.fill('[data-testid="import-input"]', '{"tasks":[{"id":"T1","name":"a"},{"id":"T2","name":"b","depends_on":["T1"]}]}');
await page.click('[data-testid="import-button"]');
await page.waitForSelector('[data-testid="task-node"]');
const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('[data-testid="export-png"]')]);
if (download.suggestedFilename() !== 'planwright-graph.png') fail(`PNG export saved ${download.suggestedFilename()}`);
if (reports.length) fail(`the app's own work drew CSP reports: ${reports.join(' | ')}`);

// The policy is in force: an injected inline script and eval are refused, and reported. (eval runs
// in a later task: DevTools lets eval through while its own evaluation runs.)
const outcome = await page.evaluate(() => new Promise((resolve) => {
  const script = document.createElement('script');
  script.textContent = 'window.__injected = true';
  document.head.append(script);
  setTimeout(() => {
    let evaluated;
    try { evaluated = eval('"eval ran"'); } catch (e) { evaluated = e.name; }
    resolve({ injected: window.__injected === true, evaluated });
  });
}));
if (outcome.injected) fail('an injected inline script ran');
// Workers only from this origin's files (the Markdown worker): one from a blob: URL never runs
// (Chromium refuses it with an error event, or an exception; the refusal is reported below).
const blobWorker = await page.evaluate(() => new Promise((resolve) => {
  try {
    const worker = new Worker(URL.createObjectURL(new Blob(['postMessage("ran")'], { type: 'text/javascript' })));
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = () => resolve('refused');
    setTimeout(() => resolve('timed out'), 3000);
  } catch (e) { resolve(`refused: ${e.name}`); }
}));
if (!blobWorker.startsWith('refused')) fail(`a blob: worker was not refused: ${blobWorker}`);
if (outcome.evaluated !== 'EvalError') fail(`eval was not refused: ${outcome.evaluated}`);
await waitFor('the refusals to be reported', async () => reports.includes('event: script-src-elem blocked inline')
  && reports.includes('event: script-src blocked eval') && reports.some((r) => r.startsWith('event: worker-src blocked blob')));

await browser.close();
server.close();
llm.close();
console.log(`e2e csp: 1 passed, 0 failed (loader allowed by hash; endpoints on other origins reached; PNG export; injected script, eval and a blob: worker refused)`);
})().catch((e) => { console.error(`e2e csp: FAIL ${e.stack || e}`); process.exit(1); });
