// The demo page's passkeys, run in the browser: "Sign in with a passkey" (with a username, or
// none for a discoverable passkey) when logged out; "Add a passkey" and the list, with rename and
// delete, when logged in. Everything goes through @gatehouse-auth/client.
import type { AuthClient } from '@gatehouse-auth/client';

export interface PanelParts {
  client: AuthClient;
  element<T extends HTMLElement = HTMLElement>(id: string): T;
  say(text: string): void;
}

export function setupPasskeys({ client, element, say }: PanelParts): { render(loggedIn: boolean): Promise<void> } {
  const list = element<HTMLUListElement>('passkey-list');
  const fail = (error: Error) => say(error.message);

  async function render(loggedIn: boolean): Promise<void> {
    list.replaceChildren();
    if (!loggedIn) return;
    for (const passkey of await client.passkeys.list()) {
      const item = document.createElement('li');
      item.dataset.id = passkey.id;
      const name = document.createElement('span');
      name.className = 'passkey-name';
      name.textContent = passkey.name;
      const used = passkey.last_used_at ? `last used ${passkey.last_used_at}` : 'never used';
      item.append(name, ` (${passkey.device_type === 'multiDevice' ? 'synced' : 'this device'}, ${used}) `,
        button('Rename', 'rename', () => rename(passkey.id, passkey.name)), ' ', button('Delete', 'delete', () => remove(passkey.id)));
      list.append(item);
    }
  }

  function button(text: string, action: string, onClick: () => Promise<void>): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.dataset.action = action;
    b.addEventListener('click', () => void onClick().catch(fail));
    return b;
  }

  async function rename(id: string, current: string): Promise<void> {
    const name = prompt('New name for this passkey', current);
    if (!name) return;
    await client.passkeys.rename(id, name);
    await render(true);
  }

  /**
   * Deleting needs a recent sign-in that proved a passkey (docs/architecture.md, "Changing a way in"):
   * otherwise the page re-authenticates with a passkey, or, when the passkey is younger than this
   * sign-in (factor_too_new), signs in with it again, and tries once more.
   */
  async function remove(id: string): Promise<void> {
    await client.passkeys.delete(id).catch(async (error: { code?: string }) => {
      if (error.code !== 'reauthentication_required' && error.code !== 'stronger_reauthentication_required') throw error;
      await client.passkeys.reauthenticate().catch(async (again: { code?: string }) => {
        if (again.code !== 'factor_too_new') throw again;
        await client.loginWithPasskey();
      });
      // the page redraws for the new session: let its reads finish before the change ends that session
      await render(true);
      await client.passkeys.delete(id);
    });
    await render(true);
  }

  element<HTMLFormElement>('add-passkey-form').addEventListener('submit', (event) => {
    event.preventDefault();
    say('');
    const name = new FormData(event.target as HTMLFormElement).get('name');
    client.passkeys.register(name ? String(name) : undefined).then(() => render(true)).catch(fail);
  });
  element<HTMLFormElement>('passkey-login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    say('');
    const username = String(new FormData(event.target as HTMLFormElement).get('username') ?? '').trim();
    client.loginWithPasskey(username ? { username } : {}).catch(fail);
  });
  return { render };
}
