// GET / in real Chromium: the HTML index applies its one inline stylesheet (allowed by its hash in
// the page's CSP) and logs no console error.
import assert from 'node:assert/strict';
import { browserTest, launchBrowser, startServer } from './harness.js';

browserTest('the / page applies its inline style under its CSP and logs no console error', async (t) => {
  const server = await startServer(t);
  const page = await (await launchBrowser(t)).newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.baseUrl}/`);
  assert.equal(await page.innerText('h1'), 'Gatehouse');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).maxWidth), '768px'); // 48rem: the style applied
  assert.equal(await page.locator('a[href="/docs"]').count(), 1);
  assert.deepEqual(errors, []);
});
