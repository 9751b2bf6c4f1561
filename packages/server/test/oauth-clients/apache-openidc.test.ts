// Apache httpd with mod_auth_openidc (Debian's apache2 and libapache2-mod-auth-openidc) as a relying
// party: started by the test from a temporary directory on a loopback port (User www-data, modules
// from /usr/lib/apache2/modules), it protects /protected/ and signs a person in through Gatehouse's
// pages in Chromium: discovery, the code flow with its state and nonce, client_secret_basic at
// /token, the ID token checked against the JWKS. Stopped by the PID it wrote. Without the module the
// test is skipped with the reason, except under CI=true, where it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers.js';
import { browserTest, launchBrowser } from '../browser/harness.js';
import { RP_SECRET, signInOnPage, startProvider } from './rp-browser.js';

const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const missing = !existsSync(APACHE) || !existsSync(join(MODULES, 'mod_auth_openidc.so'));

function apacheConfig(dir: string, port: number, providerUrl: string): string {
  const module = (name: string, file: string) => `LoadModule ${name}_module ${MODULES}/${file}.so`;
  return [
    `ServerRoot ${dir}`, `ServerName 127.0.0.1`, `Listen 127.0.0.1:${port}`, `PidFile ${dir}/apache.pid`, `DefaultRuntimeDir ${dir}`,
    `Mutex file:${dir} default`, `ErrorLog ${dir}/error.log`, 'LogLevel warn auth_openidc:info', 'User www-data', 'Group www-data',
    module('mpm_event', 'mod_mpm_event'), module('authn_core', 'mod_authn_core'), module('authz_core', 'mod_authz_core'),
    module('authz_user', 'mod_authz_user'), module('headers', 'mod_headers'), module('auth_openidc', 'mod_auth_openidc'),
    `DocumentRoot ${dir}/htdocs`,
    `OIDCProviderMetadataURL ${providerUrl}/.well-known/openid-configuration`,
    'OIDCClientID apache', `OIDCClientSecret ${RP_SECRET}`,
    `OIDCRedirectURI http://127.0.0.1:${port}/protected/redirect_uri`,
    `OIDCCryptoPassphrase ${randomBytes(24).toString('hex')}`,
    'OIDCScope "openid email profile"', 'OIDCRemoteUserClaim sub',
    '<Location /protected>', '  AuthType openid-connect', '  Require valid-user',
    '  Header always set X-Remote-User "expr=%{REMOTE_USER}"', '</Location>',
  ].join('\n');
}

if (missing) {
  const reason = 'apache2 with mod_auth_openidc is not installed: apt-get install apache2 libapache2-mod-auth-openidc';
  if (process.env.CI === 'true') test('Apache with mod_auth_openidc', () => assert.fail(`${reason} (CI=true requires it)`));
  else test('Apache with mod_auth_openidc', { skip: reason }, () => {});
} else {
  browserTest('Apache with mod_auth_openidc signs a person in through the pages and serves the protected page as them', async (t) => {
    const port = await freePort();
    const provider = await startProvider(t, [{
      client_id: 'apache', client_secret: RP_SECRET, client_name: 'Wiki', redirect_uris: [`http://127.0.0.1:${port}/protected/redirect_uri`],
      skip_consent: true,
    }]);
    const username = await provider.registerUser();
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-apache-'));
    mkdirSync(join(dir, 'htdocs', 'protected'), { recursive: true });
    writeFileSync(join(dir, 'htdocs', 'protected', 'index.html'), '<!doctype html><title>wiki</title><p>the protected wiki</p>\n');
    for (const path of [dir, join(dir, 'htdocs'), join(dir, 'htdocs', 'protected')]) chmodSync(path, 0o755);
    chmodSync(join(dir, 'htdocs', 'protected', 'index.html'), 0o644);
    writeFileSync(join(dir, 'apache.conf'), apacheConfig(dir, port, provider.baseUrl));
    execFileSync(APACHE, ['-f', join(dir, 'apache.conf'), '-k', 'start'], { cwd: dir, stdio: 'pipe' });
    t.after(async () => {
      const pid = Number(readFileSync(join(dir, 'apache.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50 && existsSync(join(dir, 'apache.pid')); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      rmSync(dir, { recursive: true, force: true });
    });
    for (let i = 0; i < 50 && !existsSync(join(dir, 'apache.pid')); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));

    const browser = await launchBrowser(t);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/protected/index.html`);
    await signInOnPage(page, username);
    await page.waitForURL(`http://127.0.0.1:${port}/protected/index.html`);
    const answer = await page.reload();
    const log = () => readFileSync(join(dir, 'error.log'), 'utf8');
    assert.equal(answer?.status(), 200, log());
    assert.match(await page.content(), /the protected wiki/);
    const me = await (await fetch(`${provider.baseUrl}/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'correct horse battery staple' }),
    })).json() as { access_token: string };
    const sub = JSON.parse(Buffer.from(me.access_token.split('.')[1]!, 'base64url').toString()).sub;
    assert.equal(answer?.headers()['x-remote-user'], sub, 'REMOTE_USER is the ID token\'s sub');
    assert.equal(provider.count('POST /token'), 1, 'one code redeemed, by Apache');
  });
}
