// The demo page's script, run in the browser: login and register forms, the current user, the
// access token's remaining life, a call to /users/me through the client, and logout.
import { createAuthClient, localStorageAdapter, type IdentityProvider, type SessionInfo } from '@gatehouse-auth/client';
import { renderIdentities, startFederation } from './federation-panel.js';

const client = createAuthClient({ baseUrl: location.origin, storage: localStorageAdapter() });
let session: SessionInfo | null = null;
let providers: IdentityProvider[] = [];

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function say(text: string): void {
  element('message').textContent = text;
}

async function render(): Promise<void> {
  session = await client.session();
  element('logged-out').hidden = session !== null;
  element('logged-in').hidden = session === null;
  element('who').textContent = session ? `${session.claims.name ?? session.claims.sub} (${session.claims.role ?? 'user'})` : '';
  if (!session) element('me-result').textContent = '';
  else void renderIdentities(client, providers, say).catch((error: Error) => say(error.message));
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
  client.login(login!.includes('@') ? { email: login!, password: password! } : { username: login!, password: password! }));
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
void startFederation(client, say).then((found) => {
  providers = found;
  return render();
});
