// The first-visit benchmark of scripts/bench-first-visit (see there). Usage: node scripts/first-visit.cjs dist
const { readFileSync, readdirSync } = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');

const BUDGET_MS = 700;
const VISITS = 5;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

const dist = path.resolve(process.argv[2] ?? 'dist');
// Every file, compressed once up front as a static host would (brotli at its highest quality, gzip -9).
const files = new Map();
for (const name of readdirSync(dist)) {
  const raw = readFileSync(path.join(dist, name));
  files.set(`/${name}`, {
    type: TYPES[path.extname(name)] ?? 'application/octet-stream',
    br: zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    gzip: zlib.gzipSync(raw, { level: 9 }),
  });
}
// The page's own Wasm (the workers' load later: the compute worker's with the first plan drawn, the
// Markdown worker's with the first result).
const wasm = [...files.keys()].find((f) => f.startsWith('/planwright-') && f.endsWith('_bg.wasm'));
if (!wasm) throw new Error('dist/ has no planwright-*_bg.wasm');
const encodings = new Set();
const server = http.createServer((req, res) => {
  const pathname = new URL(req.url, 'http://x').pathname;
  const file = files.get(pathname === '/' ? '/index.html' : pathname);
  if (!file) { res.writeHead(404); res.end(); return; }
  const accepted = req.headers['accept-encoding'] ?? '';
  const encoding = /\bbr\b/.test(accepted) ? 'br' : 'gzip';
  encodings.add(encoding);
  res.writeHead(200, { 'content-type': file.type, 'content-encoding': encoding, vary: 'accept-encoding', 'cache-control': 'no-cache' });
  res.end(file[encoding]);
});

(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const times = [];
  for (let visit = 0; visit < VISITS; visit++) {
    const context = await browser.newContext(); // empty cache: a first visit
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 40, downloadThroughput: (10e6 / 8), uploadThroughput: (10e6 / 8),
    });
    // From navigation start (performance.now() = 0), poll for a goal field that takes input.
    await page.addInitScript(() => {
      const poll = () => {
        const goal = document.querySelector('[data-testid="goal-input"]');
        if (goal && !goal.disabled && !goal.readOnly) window.__planwrightInteractive = performance.now();
        else setTimeout(poll, 2);
      };
      poll();
    });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__planwrightInteractive !== undefined, null, { timeout: 30000, polling: 10 });
    const ms = await page.evaluate(() => window.__planwrightInteractive);
    await page.fill('[data-testid="goal-input"]', 'typed on the first visit');
    if ((await page.inputValue('[data-testid="goal-input"]')) !== 'typed on the first visit') throw new Error('the goal field did not take typing');
    times.push(ms);
    console.error(`visit ${visit + 1}: interactive after ${ms.toFixed(0)} ms`);
    await context.close();
  }
  await browser.close();
  server.close();
  times.sort((a, b) => a - b);
  const median = Math.round(times[Math.floor(times.length / 2)]);
  console.error(`served with Content-Encoding: ${[...encodings].join(', ')}; wasm ${files.get(wasm).br.length} bytes brotli, ${files.get(wasm).gzip.length} gzip`);
  console.log(`first-visit: interactive_ms=${median} wasm_brotli_bytes=${files.get(wasm).br.length}`);
  if (median > BUDGET_MS) { console.error(`first visit interactive after ${median} ms, over ${BUDGET_MS} ms`); process.exit(1); }
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
