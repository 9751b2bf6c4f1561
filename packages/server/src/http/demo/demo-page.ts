// The demo page's script, run in the browser: login and register forms, the current user, the
// access token's remaining life, a call to /users/me through the client, logout, the second-factor
// parts (mfa-panel.ts) and passkeys (passkeys-panel.ts).
import { createAuthClient, localStorageAdapter, type SessionInfo } from '@gatehouse-auth/client';
import { setupMfa } from './mfa-panel.js';
import { setupPasskeys } from './passkeys-panel.js';

const client = createAuthClient({ baseUrl: location.origin, storage: localStorageAdapter() });
let session: SessionInfo | null = null;
const mfa = setupMfa(client, say);

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function say(text: string): void {
  element('message').textContent = text;
}

const passkeys = setupPasskeys({ client, element, say });

async function render(): Promise<void> {
  session = await client.session();
  void passkeys.render(session !== null).catch((error: Error) => say(error.message));
  element('logged-out').hidden = session !== null;
  element('logged-in').hidden = session === null;
  element('who').textContent = session ? `${session.claims.name ?? session.claims.sub} (${session.claims.role ?? 'user'})` : '';
  if (!session) element('me-result').textContent = '';
  mfa.render(session !== null);
  tick();
}

function tick(): void {
  if (!session) return;
  const seconds = (session.expiresAt.getTime() - Date.now()) / 1000;
  const life = element('token-life');
  life.textContent = seconds > 0 ? `${seconds.toFixed(1)} s` : 'expired: the next call refreshes it silently';
  life.dataset.expired = String(seconds <= 0);
}

function fields(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].map(([key, value]) => [key, String(value)]));
}

function onSubmit(id: string, action: (values: Record<string, string>) => Promise<unknown>): void {
  element<HTMLFormElement>(id).addEventListener('submit', (event) => {
    event.preventDefault();
    say('');
    action(fields(event.target as HTMLFormElement)).catch((error: Error) => say(error.message));
  });
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
onSubmit('register-form', ({ username, email, password }) => client.register({ username: username!, email: email!, password: password! }));
element('call-me').addEventListener('click', () => void callMe().catch((error: Error) => say(error.message)));
element('logout').addEventListener('click', () => void client.logout());
client.on('tokens', () => void render());
client.on('logout', (event) => {
  if (event.reason === 'refresh_failed') say('Your session ended; please log in again.');
  void render();
});
client.on('error', (event) => say(`Could not reach the server (${String(event.error)}); still logged in.`));
setInterval(tick, 250);
void render();
