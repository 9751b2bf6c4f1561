// The OpenID Connect flow's pages in Chromium (docs/oidc.md, "The authorization code flow"): the
// consent page (and what it shows once answered), the end-session confirmation and the flow's error page, in English and in Korean
// (ui_locales), with no serious or critical WCAG 2.1 A/AA violation found by axe-core, and consent
// given with the keyboard alone.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { freePort } from '../helpers.js';
import { browserTest, launchBrowser } from './harness.js';
import { relyingPartySide, RP_SECRET, signInOnPage, startProvider } from '../oauth-clients/rp-browser.js';

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} (${v.impact}) ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

browserTest('consent, the end-session question and the error page pass axe in English and Korean; consent works by keyboard', async (t) => {
  const rp = await relyingPartySide(t, await freePort());
  const provider = await startProvider(t, [{
    client_id: 'wiki', client_secret: RP_SECRET, client_name: 'Wiki', redirect_uris: [`${rp.origin}/cb`],
  }]);
  const browser = await launchBrowser(t);
  const found: string[] = [];
  for (const lang of ['en', 'ko']) {
    const username = await provider.registerUser();
    const page = await (await browser.newContext()).newPage();
    const authorize = `${provider.baseUrl}/oauth/authorize?${new URLSearchParams({
      response_type: 'code', client_id: 'wiki', redirect_uri: `${rp.origin}/cb`, scope: 'openid email', state: 's', ui_locales: lang,
    })}`;
    await page.goto(authorize);
    await signInOnPage(page, username);
    await page.waitForURL(/\/oauth\/authorize\/consent\?/);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    found.push(...await violations(page));
    const consentUrl = page.url();
    const landed = rp.next();
    await page.focus('button[value=allow]');
    await page.keyboard.press('Enter');
    assert.ok((await landed).searchParams.get('code'), 'Enter on Allow gave a code');
    await page.waitForURL(/\/cb\?code=/);

    const over = await page.goto(consentUrl); // answered: opened again, it says so
    assert.equal(over?.status(), 410);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.getAttribute(`a[href="${rp.origin}/"]`, 'href'), `${rp.origin}/`, 'a way back to the app');
    assert.ok(await page.isVisible('a[href="/signed-in"]'), 'and to the account');
    found.push(...await violations(page));

    await page.goto(`${provider.baseUrl}/oauth/end-session?ui_locales=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.ok(await page.isVisible('button[name=confirm]'));
    found.push(...await violations(page));

    await page.goto(`${provider.baseUrl}/oauth/authorize?client_id=nobody&ui_locales=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    found.push(...await violations(page));
  }
  assert.deepEqual(found, []);
});
