// The action buttons of a user's page (docs/console.md, "Actions"): each action is one POST form
// with the kit's CSRF token; one that destroys something is confirmed first (change-gate.ts).
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
