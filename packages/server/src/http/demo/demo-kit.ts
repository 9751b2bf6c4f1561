// What the demo page's scripts share, run in the browser: the one client (localStorage, so tabs
// stay logged in together), element lookup, the error and notice lines, and form submission.
import { createAuthClient, localStorageAdapter } from '@gatehouse-auth/client';

export const client = createAuthClient({ baseUrl: location.origin, storage: localStorageAdapter() });

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** An error, in red. */
export function say(text: string): void {
  element('message').textContent = text;
}

/** Something that went well, in green. */
export function tell(text: string): void {
  element('notice').textContent = text;
}

function fields(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].map(([key, value]) => [key, String(value)]));
}

/** Runs `action` with the form's fields on submit; its error's message goes to the error line. */
export function onSubmit(id: string, action: (values: Record<string, string>) => Promise<unknown>): void {
  element<HTMLFormElement>(id).addEventListener('submit', (event) => {
    event.preventDefault();
    say('');
    tell('');
    action(fields(event.target as HTMLFormElement)).catch((error: Error) => say(error.message));
  });
}
