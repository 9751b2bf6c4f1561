// The console's action buttons and the confirmation page (docs/console.md, "Actions"): each action
// is one POST form with the kit's CSRF token; one that destroys something first shows a page that
// asks to confirm, which works without JavaScript. When the admin's sign-in is older than
// REAUTH_MAX_AGE the same page asks for the password (or a code) in place.
import { html, t, type Html, type Lang } from '../pages/index.js';

/** The actions of a user's page; `destructive` ones are confirmed first. */
export const ACTIONS = {
  'end-sessions': { destructive: true },
  'end-session': { destructive: true },
  disable: { destructive: true },
  enable: { destructive: false },
  'reset-factors': { destructive: true },
  role: { destructive: true },
  'send-reset': { destructive: false },
  'send-verification': { destructive: false },
  'verify-email': { destructive: false },
  delete: { destructive: true },
} as const satisfies Record<string, { destructive: boolean }>;

export type ActionName = keyof typeof ACTIONS;

export const isAction = (name: string): name is ActionName => Object.hasOwn(ACTIONS, name);

export const actionPath = (userId: string, action: ActionName): string =>
  `/admin/console/users/${encodeURIComponent(userId)}/actions/${action}`;

export function actionForm({ lang, csrf, userId, action, extra }: { lang: Lang; csrf: string; userId: string; action: ActionName; extra?: Html }): Html {
  return html`<form method="post" action="${actionPath(userId, action)}">
<input type="hidden" name="csrf" value="${csrf}">
${extra ?? ''}<button type="submit"${ACTIONS[action].destructive ? html` class="secondary"` : ''}>${t(lang, `console.action.${action}`)}</button>
</form>`;
}

/** "Done" after the redirect back to the user's page. */
export function doneNotice(lang: Lang, done: string): Html {
  return isAction(done) ? html`<p class="notice" role="status">${t(lang, `console.done.${done}`)}</p>` : html``;
}

export interface Confirmation {
  lang: Lang;
  csrf: string;
  userId: string;
  username: string;
  action: ActionName;
  /** The action's own fields (role, session), carried to the confirmed post. */
  carried: Readonly<Record<string, string>>;
  /** How the admin proves a recent sign-in, when theirs is too old: the password, or a code of their authenticator. */
  reauth: 'password' | 'code' | undefined;
  error?: string;
}

/** The body of the confirmation page. */
export function confirmationBody(c: Confirmation): Html {
  const { lang } = c;
  return html`<section aria-labelledby="confirm-question">
<p id="confirm-question">${t(lang, `console.confirm.${c.action}`, { user: c.username })}</p>
${c.error ? html`<p class="error" role="alert">${c.error}</p>` : ''}
<form method="post" action="${actionPath(c.userId, c.action)}">
<input type="hidden" name="csrf" value="${c.csrf}">
<input type="hidden" name="confirmed" value="1">
${Object.entries(c.carried).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${c.action === 'delete' ? html`<label for="typed">${t(lang, 'console.confirm.type', { user: c.username })}</label>
<input id="typed" name="typed" autocomplete="off" required>` : ''}
${c.reauth === 'password' ? html`<p>${t(lang, 'console.reauth.intro')}</p>
<label for="password">${t(lang, 'console.reauth.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>` : ''}
${c.reauth === 'code' ? html`<p>${t(lang, 'console.reauth.intro')}</p>
<label for="code">${t(lang, 'console.reauth.code')}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>` : ''}
<div class="actions">
<button type="submit">${t(lang, `console.action.${c.action}`)}</button>
<a class="button secondary" href="/admin/console/users/${encodeURIComponent(c.userId)}">${t(lang, 'console.confirm.cancel')}</a>
</div>
</form>
</section>`;
}
