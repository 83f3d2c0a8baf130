// End-to-end check of `scripts/serve --proxy` against a server that sends no CORS headers (the
// local test server with --no-cors), in Debian's Chromium (playwright-core):
// 1. the page calls the server directly: the browser blocks the answer, and the message names the
//    command that fixes it (`scripts/serve --proxy <origin>`);
// 2. the settings offer the proxied URL ("via proxy: …/proxy/0/v1"); through it a plan is made and
//    run to the end, answers streamed;
// 3. the proxy passes a stream on as it arrives: SSE chunks reach the client spread over the
//    answer's ~1 s, not all at once at the end.
// It starts the test server and `scripts/serve --proxy` itself (whose Trunk builds the release
// bundle, a no-op for cargo after `trunk build --release`).
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/proxy.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { launch, watchCsp } = require('./harness.cjs');

const root = path.resolve(__dirname, '../..');
const shots = process.argv[3] ?? 'target/screenshots';
mkdirSync(shots, { recursive: true });
const children = [];
const fail = (msg) => {
  console.error(`e2e: FAIL ${msg}`);
  console.log('e2e: 0 passed, 1 failed');
  for (const child of children) try { process.kill(-child.pid); } catch {}
  process.exit(1);
};

/** Starts `command` in its own process group; resolves to the first match of `pattern` in its output. */
function start(command, args, env, pattern, ms) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, detached: true });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not print ${pattern} within ${ms} ms:\n${output}`)), ms);
    const look = (data) => {
      output += data;
      const match = output.match(pattern);
      if (match) { clearTimeout(timer); resolve(match); }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}):\n${output}`)));
  });
}

const freePort = () => new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
});

async function waitForHttp(url, ms) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    try { if ((await fetch(url)).ok) return; } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

(async () => {
const [, backend] = await start('target/debug/planwright-testserver', ['--port', '0', '--no-cors', '--idle-exit', '600'], {},
  /listening on (http:\/\/127\.0\.0\.1:\d+)/, 10000);
const port = await freePort();
const page_url = `http://127.0.0.1:${port}/`;
start('scripts/serve', ['--proxy', backend], { PORT: String(port) }, /\$^/, 1e9).catch((e) => fail(`scripts/serve: ${e.message}`));
await waitForHttp(page_url, 600000);
if (!(await (await fetch(page_url)).text()).includes('<meta name="planwright-proxies" content=\'[{"path":"/proxy/0/"')) fail('the served page does not list the proxy');

// 3. Streaming through the proxy, straight from Node: chunks arrive as they are sent.
const streamed = await fetch(`${page_url}proxy/0/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'ok', stream: true, messages: [{ role: 'system', content: 'You are a planning engine.' }, { role: 'user', content: 'Goal: tea' }] }),
});
if (streamed.status !== 200) fail(`the proxied stream answered ${streamed.status}`);
const arrivals = [];
let body = '';
for await (const chunk of streamed.body) { arrivals.push(Date.now()); body += Buffer.from(chunk).toString(); }
if (!body.includes('data: [DONE]')) fail(`the proxied stream did not end with [DONE]: ${body.slice(-200)}`);
const spread = arrivals[arrivals.length - 1] - arrivals[0];
if (arrivals.length < 10 || spread < 300) fail(`the proxy buffered the stream: ${arrivals.length} chunks over ${spread} ms`);

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const cspReports = await watchCsp(page);
const statuses = () => page.$$eval('[data-testid="task-node"]', (ns) => ns.map((n) => n.dataset.status));
const notice = async () => (await page.textContent('[data-testid="notice"]').catch(() => '')) ?? '';
const waitFor = async (what, fn, ms = 30000) => {
  const start = Date.now();
  while (Date.now() - start < ms) { if (await fn()) return; await page.waitForTimeout(50); }
  await page.screenshot({ path: `${shots}/proxy-failed.png`, fullPage: true });
  fail(`timed out waiting for ${what} (notice: ${await notice()})`);
};
const setField = async (testid, value) => {
  await page.fill(`[data-testid="${testid}"]`, value);
  await page.dispatchEvent(`[data-testid="${testid}"]`, 'change');
};

await page.goto(page_url);
await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
await page.selectOption('[data-testid="provider-select"]', 'openai');
await setField('base-url-input', `${backend}/v1`);
await setField('model-input', 'ok');
await page.fill('[data-testid="goal-input"]', 'Compare three kinds of tea');

// 1. Directly: blocked (no CORS headers), and the message says what to run.
await page.click('[data-testid="plan-button"]');
const command = `scripts/serve --proxy ${backend}`;
await waitFor('the CORS message', async () => (await notice()).includes(command), 30000);
await page.screenshot({ path: `${shots}/proxy-cors-blocked.png` });

// 2. Through the proxy the settings offer.
const offer = `via proxy: ${page_url}proxy/0/v1`;
await waitFor('the proxied URL on offer', async () => ((await page.textContent('[data-testid="proxy-url-option"]').catch(() => '')) ?? '').includes(offer));
await page.click('[data-testid="proxy-url-option"]');
const base = await page.inputValue('[data-testid="base-url-input"]');
if (base !== `${page_url}proxy/0/v1`) fail(`the offer set the base URL to ${base}`);
await page.click('[data-testid="plan-button"]');
await waitFor('the plan through the proxy', async () => (await statuses()).length === 4 && !(await page.isDisabled('[data-testid="run-button"]')));
await page.click('[data-testid="run-button"]');
await waitFor('every task completed', async () => (await statuses()).every((s) => s === 'completed'));
await page.click('[data-task-id="T3"]');
await waitFor('T3\'s streamed answer', async () => ((await page.textContent('.inspector').catch(() => '')) ?? '').includes('Result of T3 from testserver'));
await page.screenshot({ path: `${shots}/proxy-run-finished.png` });
await browser.close();
for (const child of children) try { process.kill(-child.pid); } catch {}
if (cspReports.length) fail(`Content-Security-Policy reports: ${cspReports.join(' | ')}`);
console.log(`e2e: 1 passed, 0 failed (direct request blocked with "${command}"; plan and run through /proxy/0/; stream of ${arrivals.length} chunks over ${spread} ms)`);
process.exit(0);
})().catch((e) => fail(e.stack || String(e)));
