// The demo page's sign-in with other providers, run in the browser: a "Sign in with …" button per
// configured provider, the exchange of the code the page comes back with, and the logged-in user's
// identities with link and unlink buttons. Everything goes through @gatehouse-auth/client.
import type { AuthClient, IdentityProvider } from '@gatehouse-auth/client';

type Say = (text: string) => void;

const back = () => `${location.origin}/demo`;

function button(text: string, onClick: () => Promise<void>, say: Say): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.addEventListener('click', () => void onClick().catch((error: Error) => say(error.message)));
  return element;
}

/** Finishes a sign-in the page came back from (its `code`, or its `error`), then lists the providers. */
export async function startFederation(client: AuthClient, say: Say): Promise<IdentityProvider[]> {
  try {
    await client.federation.finishSignIn();
  } catch (error) {
    say(`Sign-in with a provider failed: ${(error as { code?: string }).code ?? String(error)}`);
  }
  const providers = await client.federation.providers().catch(() => []);
  const list = document.getElementById('providers')!;
  list.replaceChildren(...providers.map((provider) =>
    button(`Sign in with ${provider.name}`, async () => location.assign(await client.federation.signInUrl(provider.id, back())), say)));
  return providers;
}

/** The user's identities, an unlink button each, and a link button per provider. */
export async function renderIdentities(client: AuthClient, providers: IdentityProvider[], say: Say): Promise<void> {
  const list = document.getElementById('identities')!;
  const identities = await client.federation.identities();
  // no provider and nothing linked: no heading over an empty list
  document.getElementById('identities-heading')!.hidden = providers.length === 0 && identities.length === 0;
  list.replaceChildren(...identities.map((identity) => {
    const item = document.createElement('li');
    item.textContent = `${identity.provider}${identity.email ? ` (${identity.email})` : ''} `;
    item.dataset.provider = identity.provider;
    item.append(button('Unlink', async () => {
      await client.federation.unlink(identity.id);
      await renderIdentities(client, providers, say);
    }, say));
    return item;
  }));
  document.getElementById('link-providers')!.replaceChildren(...providers.map((provider) =>
    button(`Link ${provider.name}`, async () => location.assign(await client.federation.linkUrl(provider.id, back())), say)));
}
