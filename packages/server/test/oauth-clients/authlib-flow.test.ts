// Authlib (Python, Debian's python3-authlib): OAuth2Session's authorization-code flow with PKCE S256
// and a nonce, the ID token checked with Authlib's JOSE against the JWKS, then userinfo, while
// Chromium signs the person in through the pages and allows the client. Without the module the test
// is skipped with the reason, except under CI=true, where it fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { browserTest, launchBrowser } from '../browser/harness.js';
import { freePort } from '../helpers.js';
import { answerConsent, relyingPartySide, RP_SECRET, signInOnPage, startProvider } from './rp-browser.js';

const SCRIPT = fileURLToPath(new URL('../../../test/oauth-clients/python_oidc_flow.py', import.meta.url));
const PYTHON = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

browserTest('Authlib\'s OAuth2Session signs a person in with the code flow: PKCE, nonce, the ID token checked against the JWKS, userinfo', async (t) => {
  const rp = await relyingPartySide(t, await freePort());
  const CB = `${rp.origin}/authlib/cb`;
  const provider = await startProvider(t, [{
    client_id: 'authlib', client_secret: RP_SECRET, client_name: 'Python app', redirect_uris: [CB], scope: 'openid email profile',
  }]);
  const username = await provider.registerUser();
  const child = spawn(PYTHON, [SCRIPT, provider.baseUrl, 'authlib', RP_SECRET, CB], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => child.kill());
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) assert.fail(`the script printed nothing: ${stderr}`);
  const opening = JSON.parse(first.value) as { authorize?: string; missing?: string };
  if (opening.missing) {
    const reason = `${PYTHON} lacks the module ${opening.missing}: apt-get install python3-authlib`;
    if (process.env.CI === 'true') assert.fail(`${reason} (CI=true requires it)`);
    t.skip(reason);
    return;
  }

  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const back = rp.next();
  await page.goto(opening.authorize!);
  await signInOnPage(page, username);
  await answerConsent(page, 'allow');
  child.stdin.write(`${(await back).href}\n`);
  const second = await lines.next();
  assert.equal(await exited, 0, stderr);
  const result = JSON.parse(second.value as string) as { sub: string; userinfo_sub: string; email: string };
  assert.equal(result.userinfo_sub, result.sub);
  assert.equal(result.email, `${username}@example.com`);
});
