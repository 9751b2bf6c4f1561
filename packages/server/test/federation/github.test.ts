// The GitHub preset (OAuth 2.0 and GitHub's user and emails APIs, not OIDC), against a stand-in that
// serves GitHub's documented endpoints and answers (github-stand-in.ts): GitHub itself cannot be
// reached from the tests.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, freePort, me, registerUser } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { startGitHubStandIn, type GitHubPerson } from './github-stand-in.js';
import { APP_PKCE, startQuery } from './harness.js';

const APP_URL = 'http://app.example.test';
const CLIENT = { id: 'Iv1.test-client', secret: 'github-test-secret-0123456789abcdef' };

async function stand(t: TestContext) {
  const github = await startGitHubStandIn(t, CLIENT);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const entry = {
    id: 'github', type: 'github', client_id: CLIENT.id, client_secret: CLIENT.secret,
    authorization_endpoint: `${github.url}/login/oauth/authorize`, token_endpoint: `${github.url}/login/oauth/access_token`, api_url: github.url,
  };
  const gatehouse = await createTestApp({ PUBLIC_URL: baseUrl, APP_URL, FEDERATION_PROVIDERS: JSON.stringify([entry]) });
  await gatehouse.app.listen({ port, host: '127.0.0.1' });
  t.after(() => gatehouse.close());

  /** A login through the stand-in as `person`; answers where the browser ends up. */
  async function signIn(person: GitHubPerson, tamper: { authorize?: (url: URL) => URL; callback?: (url: URL) => URL } = {}): Promise<URL> {
    github.signInAs(person);
    const browser = new TestBrowser();
    const start = await browser.get(`${baseUrl}/auth/federated/github/start${startQuery(`${APP_URL}/back`)}`);
    const authorize = new URL(start.headers.get('location')!);
    assert.equal(authorize.origin + authorize.pathname, `${github.url}/login/oauth/authorize`);
    assert.deepEqual([authorize.searchParams.get('scope'), authorize.searchParams.get('code_challenge_method'), authorize.searchParams.get('client_id')],
      ['read:user user:email', 'S256', CLIENT.id]);
    const approved = await browser.get(tamper.authorize?.(authorize) ?? authorize);
    const callback = new URL(approved.headers.get('location')!);
    const back = await browser.get(tamper.callback?.(callback) ?? callback);
    return new URL(back.headers.get('location')!);
  }
  return { gatehouse, github, signIn };
}

const octocat = (overrides: Partial<GitHubPerson> = {}): GitHubPerson => ({
  id: 583231, login: 'octocat', name: 'The Octocat', emails: [{ email: 'Octocat@GitHub.example', primary: true, verified: true }], ...overrides,
});

test('GitHub: a first login creates the account from /user and the primary verified address of /user/emails; a second finds it', async (t) => {
  const { gatehouse, github, signIn } = await stand(t);
  const landed = await signIn(octocat());
  const code = landed.searchParams.get('code')!;
  const pair = await gatehouse.app.inject({ method: 'POST', url: '/auth/federated/exchange', payload: { code, code_verifier: APP_PKCE.verifier } });
  assert.equal(pair.statusCode, 200, pair.body);
  const user = (await me(gatehouse.app, pair.json().access_token)).json();
  assert.deepEqual([user.username, user.email, user.full_name], ['octocat', 'octocat@github.example', 'The Octocat']);
  assert.equal(github.apiRequests[0]!['user-agent'], 'Gatehouse');
  assert.equal(github.apiRequests[0]!['x-github-api-version'], '2022-11-28');
  assert.match(String(github.apiRequests[0]!.authorization), /^Bearer gho_/);

  const again = await signIn(octocat({ login: 'renamed' }));
  const pair2 = await gatehouse.app.inject({ method: 'POST', url: '/auth/federated/exchange', payload: { code: again.searchParams.get('code'), code_verifier: APP_PKCE.verifier } });
  assert.equal((await me(gatehouse.app, pair2.json().access_token)).json().id, user.id, 'the numeric id is the subject, not the login');
});

test('GitHub: an unverified primary address never links to an existing account; a taken username gets a suffix', async (t) => {
  const { gatehouse, signIn } = await stand(t);
  await registerUser(gatehouse.app, { username: 'mona', email: 'mona@github.example' });
  const unverified = await signIn(octocat({ id: 1, login: 'mona', emails: [{ email: 'mona@github.example', primary: true, verified: false }] }));
  assert.equal(unverified.searchParams.get('error'), 'account_exists');
  const other = await signIn(octocat({ id: 2, login: 'mona', emails: [{ email: 'mona2@github.example', primary: true, verified: true }] }));
  const pair = await gatehouse.app.inject({ method: 'POST', url: '/auth/federated/exchange', payload: { code: other.searchParams.get('code'), code_verifier: APP_PKCE.verifier } });
  assert.match((await me(gatehouse.app, pair.json().access_token)).json().username, /^mona-[0-9a-f]{4}$/);
});

test('GitHub: a changed PKCE challenge or an unknown code is refused (GitHub answers 200 with an error field)', async (t) => {
  const { gatehouse, signIn } = await stand(t);
  const challenge = await signIn(octocat(), { authorize: (url) => { url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); return url; } });
  assert.equal(challenge.searchParams.get('error'), 'federation_failed');
  const unknown = await signIn(octocat(), { callback: (url) => { url.searchParams.set('code', 'not-the-code'); return url; } });
  assert.equal(unknown.searchParams.get('error'), 'federation_failed');
  assert.equal(await gatehouse.stores.users.findByLogin('octocat@github.example'), null);
});
