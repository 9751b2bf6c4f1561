// What the console tests share: an admin (a registered user given the admin role in the store)
// signed in through the sign-in page in a PageBrowser, and posting a console action.
import assert from 'node:assert/strict';
import { registerUser, type TestApp } from '../../helpers.js';
import { csrfOf, PageBrowser } from '../pages/page-browser.js';

export async function signedIn(t: TestApp, role: 'admin' | 'user' = 'admin', headers: Record<string, string> = {}) {
  const user = await registerUser(t.app);
  if (role === 'admin') await t.stores.users.update(user.userId, { role: 'admin' }, new Date(t.clock.now()));
  const browser = new PageBrowser(t.app, headers);
  const page = await browser.get('/signin');
  const res = await browser.post('/signin', { csrf: csrfOf(page.body), login: user.username, password: user.password });
  assert.equal(res.statusCode, 303, res.body);
  return { user, browser };
}

/** Posts a console action as its button (and, with `fields.confirmed`, its confirmation page) would. */
export async function act(browser: PageBrowser, userId: string, action: string, fields: Record<string, string> = {}) {
  const page = await browser.get(`/admin/console/users/${userId}`);
  assert.equal(page.statusCode, 200, page.body);
  return browser.post(`/admin/console/users/${userId}/actions/${action}`, { csrf: csrfOf(page.body), ...fields });
}
