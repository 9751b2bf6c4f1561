// The demo page's script, run in the browser: login and register forms, the current user, the
// access token's remaining life, a call to /users/me through the client, logout; the mail flows
// are in demo-mail.ts, the second-factor parts in mfa-panel.ts, passkeys in passkeys-panel.ts,
// other identity providers in federation-panel.ts.
import { AuthClientError, type IdentityProvider, type SessionInfo } from '@gatehouse-auth/client';
import { client, element, onSubmit, say, tell } from './demo-kit.js';
import { mailForms, openMailedLink } from './demo-mail.js';
import { setupMfa } from './mfa-panel.js';
import { setupPasskeys } from './passkeys-panel.js';
import { renderIdentities, startFederation } from './federation-panel.js';

let session: SessionInfo | null = null;
const mfa = setupMfa(client, say);
const passkeys = setupPasskeys({ client, element, say });
let providers: IdentityProvider[] = [];

async function render(): Promise<void> {
  session = await client.session();
  void passkeys.render(session !== null).catch((error: Error) => say(error.message));
  element('logged-out').hidden = session !== null;
  element('logged-in').hidden = session === null;
  element('who').textContent = session ? `${session.claims.name ?? session.claims.sub} (${session.claims.role ?? 'user'})` : '';
  if (!session) element('me-result').textContent = '';
  mfa.render(session !== null);
  if (session) void renderIdentities(client, providers, say).catch((error: Error) => say(error.message));
  tick();
}

function tick(): void {
  if (!session) return;
  const seconds = (session.expiresAt.getTime() - Date.now()) / 1000;
  const life = element('token-life');
  life.textContent = seconds > 0 ? `${seconds.toFixed(1)} s` : 'expired: the next call refreshes it silently';
  life.dataset.expired = String(seconds <= 0);
}

async function callMe(): Promise<void> {
  const result = element('me-result');
  result.dataset.status = 'pending';
  const response = await client.fetch('/users/me');
  result.textContent = `${response.status}\n${JSON.stringify(await response.json(), null, 2)}`;
  result.dataset.status = String(response.status);
}

onSubmit('login-form', ({ login, password }) =>
  client.login(login!.includes('@') ? { email: login!, password: password! } : { username: login!, password: password! })
    .catch((error: unknown) => { if (!mfa.secondStepFor(error)) throw error; }));
onSubmit('register-form', async ({ username, email, password }) => {
  try {
    await client.register({ username: username!, email: email!, password: password! });
  } catch (error) {
    // EMAIL_VERIFICATION=required: no session until the mailed link is followed.
    if (!(error instanceof AuthClientError && error.code === 'email_not_verified')) throw error;
    tell(error.message);
  }
});
mailForms();
element('call-me').addEventListener('click', () => void callMe().catch((error: Error) => say(error.message)));
element('logout').addEventListener('click', () => void client.logout());
client.on('tokens', () => void render());
client.on('logout', (event) => {
  if (event.reason === 'refresh_failed') say('Your session ended; please log in again.');
  void render();
});
client.on('error', (event) => say(`Could not reach the server (${String(event.error)}); still logged in.`));
setInterval(tick, 250);
void startFederation(client, say).then((found) => {
  providers = found;
  return render();
}).then(openMailedLink);
