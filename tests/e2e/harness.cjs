// What the end-to-end checks share: serving a built bundle on a free loopback port, starting
// Debian's Chromium through playwright-core, and collecting Content-Security-Policy reports.
const { chromium } = require('playwright-core');
const { readFileSync, existsSync } = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves `dir` on 127.0.0.1 at a free port, as a static host would (no headers of its own); resolves to the server. */
function serve(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(dir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(path.resolve(dir)) || !existsSync(file)) file = path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** `dir` served by `serve`, except the files whose path contains `missing`, which answer 404. */
async function serveWithout(dir, missing) {
  const inner = await serve(dir);
  const server = http.createServer((req, res) => {
    if (req.url.includes(missing)) { res.writeHead(404); res.end(); return; }
    http.get({ host: '127.0.0.1', port: inner.address().port, path: req.url }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Starts Debian's headless Chromium. */
function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/**
 * Collects every Content-Security-Policy complaint of `page`, across reloads: `securitypolicyviolation`
 * events and console messages about the policy. Resolves to the (live) list of reports.
 */
async function watchCsp(page) {
  const reports = [];
  page.on('console', (m) => { if (/Content[ -]Security[ -]Policy/i.test(m.text())) reports.push(`console: ${m.text()}`); });
  await page.exposeBinding('__planwrightCspViolation', (_source, text) => { reports.push(`event: ${text}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__planwrightCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`));
  });
  return reports;
}

module.exports = { serve, serveWithout, launch, watchCsp };
