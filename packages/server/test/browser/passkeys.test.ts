// Passkeys on the demo page in real Chromium, through its DevTools virtual authenticator (CTAP2,
// internal transport, resident keys, user verification): register, log out, sign in with and
// without a username; another user's credential never signs one in; a cloned authenticator with a
// lower signature counter is refused. The page is opened on localhost: browsers refuse an IP
// address as relying-party id.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { freePort, PASSWORD } from '../helpers.js';
import { browserTest, launchBrowser, startServer } from './harness.js';

interface Authenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

async function withAuthenticator(page: Page): Promise<Authenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function credentials({ cdp, authenticatorId }: Authenticator) {
  return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

async function setup(t: TestContext, env: Record<string, string> = {}) {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const server = await startServer(t, { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin, ...env }, port);
  const browser = await launchBrowser(t);
  const open = async (context?: BrowserContext) => {
    const page = await (context ?? await browser.newContext()).newPage();
    await page.goto(`${origin}/demo`);
    return { page, authenticator: await withAuthenticator(page) };
  };
  return { server, origin, open };
}

async function logIn(page: Page, username: string): Promise<void> {
  await page.fill('#login-form input[name=login]', username);
  await page.fill('#login-form input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#logged-in', { state: 'visible' });
}

async function addPasskey(page: Page, name: string): Promise<void> {
  await page.fill('#add-passkey-form input[name=name]', name);
  await page.click('#add-passkey-form button[type=submit]');
  await page.waitForSelector(`#passkey-list li:has-text("${name}")`);
}

async function logOut(page: Page): Promise<void> {
  await page.click('#logout');
  await page.waitForSelector('#logged-out', { state: 'visible' });
}

async function passkeyLogin(page: Page, username = ''): Promise<void> {
  await page.fill('#passkey-login-form input[name=username]', username);
  await page.click('#passkey-login-form button[type=submit]');
}

browserTest('registers a passkey on /demo, then signs in with it without and with a username', async (t) => {
  const { server, open } = await setup(t);
  const username = await server.registerUser();
  const { page, authenticator } = await open();
  await logIn(page, username);
  await addPasskey(page, 'Virtual key');
  const [stored] = await credentials(authenticator);
  assert.equal(stored?.isResidentCredential, true);
  assert.equal(stored?.rpId, 'localhost');
  assert.match(await page.innerText('#passkey-list'), /Virtual key \(this device, never used\)/);

  for (const name of ['', username]) {
    await logOut(page);
    await passkeyLogin(page, name);
    await page.waitForSelector('#logged-in', { state: 'visible' });
    assert.match(await page.innerText('#who'), new RegExp(`^${username} \\(user\\)$`));
  }
  assert.equal(server.count('POST /auth/passkey/verify'), 2);
  assert.match(await page.innerText('#passkey-list'), /Virtual key \(this device, last used /);
  assert.ok((await credentials(authenticator))[0]!.signCount >= 2);
});

browserTest('renames and deletes a passkey on /demo; a deleted passkey no longer signs in', async (t) => {
  const { server, open } = await setup(t);
  const username = await server.registerUser();
  const { page } = await open();
  await logIn(page, username);
  await addPasskey(page, 'Old name');
  page.once('dialog', (dialog) => void dialog.accept('New name'));
  await page.click('#passkey-list li button[data-action=rename]');
  await page.waitForSelector('#passkey-list li:has-text("New name")');
  await page.click('#passkey-list li button[data-action=delete]');
  await page.waitForSelector('#passkey-list li', { state: 'detached' });
  await logOut(page);
  await passkeyLogin(page);
  await page.waitForSelector('#message:has-text("not registered")');
  assert.equal(await page.isVisible('#logged-out'), true);
});

browserTest('deleting a passkey after REAUTH_MAX_AGE re-authenticates with a passkey first', async (t) => {
  // long enough to add the passkey (that needs a recent sign-in too), even on a loaded machine
  const { server, open } = await setup(t, { REAUTH_MAX_AGE: '8s' });
  const username = await server.registerUser();
  const { page } = await open();
  await logIn(page, username);
  const signedInAt = Date.now();
  await addPasskey(page, 'Only key'); // one per authenticator: the browser refuses a second (excludeCredentials)
  await page.waitForTimeout(Math.max(0, signedInAt + 9100 - Date.now())); // the sign-in is now older than REAUTH_MAX_AGE
  await page.click('#passkey-list li button[data-action=delete]');
  await page.waitForSelector('#passkey-list li', { state: 'detached' });
  assert.equal(server.count('POST /auth/reauthenticate/passkey/options'), 1);
  assert.equal(server.count('POST /auth/reauthenticate'), 1);
  assert.equal(await page.innerText('#message'), '');
});

browserTest('a second user cannot sign in with the first user\'s passkey', async (t) => {
  const { server, open } = await setup(t);
  const first = await server.registerUser();
  const second = await server.registerUser();
  const { page } = await open();
  await logIn(page, first);
  await addPasskey(page, 'First user key');
  await logOut(page);
  // As an attacker would: options for the second user's name, answered by the first user's key
  // (the page asks the authenticator for any credential instead of the second user's).
  const answer = await page.evaluate(async ({ name }) => {
    const b64 = (buffer: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const fromB64 = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const options = await (await fetch('/auth/passkey/options', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name }),
    })).json();
    const credential = await navigator.credentials.get({
      publicKey: { challenge: fromB64(options.challenge), rpId: options.rpId, userVerification: 'required', allowCredentials: [] },
    }) as PublicKeyCredential;
    const response = credential.response as AuthenticatorAssertionResponse;
    const body = {
      response: {
        id: credential.id, rawId: b64(credential.rawId), type: 'public-key', clientExtensionResults: {},
        response: {
          clientDataJSON: b64(response.clientDataJSON), authenticatorData: b64(response.authenticatorData), signature: b64(response.signature),
          userHandle: response.userHandle ? b64(response.userHandle) : undefined,
        },
      },
    };
    const res = await fetch('/auth/passkey/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }, { name: second });
  assert.equal(answer.status, 401, JSON.stringify(answer.body));
  assert.equal(answer.body.code, 'passkey_unknown_credential');
});

browserTest('a cloned authenticator whose signature counter is behind is refused', async (t) => {
  const { server, open } = await setup(t);
  const username = await server.registerUser();
  const { page, authenticator } = await open();
  await logIn(page, username);
  await addPasskey(page, 'Original');
  await logOut(page);
  await passkeyLogin(page);
  await page.waitForSelector('#logged-in', { state: 'visible' });
  const [original] = await credentials(authenticator);
  assert.ok(original && original.signCount >= 1, JSON.stringify(original?.signCount));

  // The same key copied into another browser's authenticator, its counter behind the original's.
  const clone = await open();
  await clone.authenticator.cdp.send('WebAuthn.addCredential', {
    authenticatorId: clone.authenticator.authenticatorId,
    credential: { ...original, signCount: original.signCount - 1 },
  });
  await passkeyLogin(clone.page);
  await clone.page.waitForSelector('#message:has-text("copied")');
  assert.equal(await clone.page.isVisible('#logged-out'), true);
  assert.equal(server.count('POST /auth/passkey/verify'), 2);
});
