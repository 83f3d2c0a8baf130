// End-to-end check that a plan is legible at first sight on common window sizes: at 1280×800,
// 1440×900 and 1920×1080 the Demo provider's seven-task plan opens with every box inside the graph
// panel and its names at 10 px or more on screen; below 1,500 px the inspector follows right under it.
// Usage: NODE_PATH=.tools/node_modules node tests/e2e/first_sight.cjs dist target/screenshots
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { serve, launch } = require('./harness.cjs');

(async () => {
  const dist = path.resolve(process.argv[2] ?? 'dist');
  const shots = process.argv[3] ?? 'target/screenshots';
  mkdirSync(shots, { recursive: true });
  const server = await serve(dist);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launch();
  const failures = [];
  for (const [width, height] of [[1280, 800], [1440, 900], [1920, 1080]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(url);
    await page.waitForSelector('[data-testid="plan-button"]:not([disabled])', { timeout: 30000 });
    await page.fill('[data-testid="goal-input"]', 'Research the history of tea and write a short report');
    await page.click('[data-testid="plan-button"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-node"]').length >= 7, null, { timeout: 30000 });
    await page.waitForTimeout(1000);
    const seen = await page.evaluate(() => {
      const panel = document.querySelector('.graph-scroll').getBoundingClientRect();
      const boxes = [...document.querySelectorAll('[data-testid="task-node"]')];
      const outside = boxes
        .filter((b) => { const r = b.getBoundingClientRect(); return r.left < panel.left - 1 || r.right > panel.right + 1 || r.top < panel.top - 1 || r.bottom > panel.bottom + 1; })
        .map((b) => b.dataset.taskId);
      // Each box's first line of text (its name) as drawn: its height on screen.
      const fontPx = Math.min(...boxes.map((b) => b.querySelector('text')?.getBoundingClientRect().height ?? 0));
      return { boxes: boxes.length, outside, fontPx, panelWidth: Math.round(panel.width) };
    });
    // Below 1,500 px the inspector sits right under the graph, not after a gap.
    await page.click('[data-testid="task-node"][data-task-id="T3"]');
    await page.waitForSelector('[data-testid="inspector-status"]', { timeout: 5000 });
    const gap = await page.evaluate(() =>
      document.querySelector('.right-column').getBoundingClientRect().top - document.querySelector('.center-column').getBoundingClientRect().bottom);
    if (width < 1500 && gap > 30) failures.push(`${width}×${height}: the inspector starts ${Math.round(gap)} px below the graph`);
    await page.screenshot({ path: path.join(shots, `first-sight-${width}.png`) });
    const line = `${width}×${height}: ${seen.boxes} boxes, panel ${seen.panelWidth} px, smallest text line ${seen.fontPx.toFixed(1)} px`;
    if (seen.outside.length) failures.push(`${line}; outside the panel: ${seen.outside.join(', ')}`);
    else if (seen.fontPx < 10) failures.push(`${line}; text under 10 px`);
    else console.error(`first sight: ${line}`);
    await page.close();
  }
  await browser.close();
  server.close();
  for (const f of failures) console.error(`e2e first sight: FAIL ${f}`);
  console.log(`e2e first sight: ${3 - failures.length} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
