// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2–§3; docs/architecture.md, "OpenID
// Connect provider"): the client is known from id_token_hint (its `aud`) or client_id; a
// post_logout_redirect_uri must be one it registered, character for character. The browser session
// ends at once only when the hint names the person signed in; otherwise the person is asked (§2: MUST).
import { clientRedirect } from './authorize-request.js';
import type { RegisteredClient } from './client-registry.js';
import type { SignedIn } from './authorization.js';

/** The claims of an ID token this provider signed (expired ones included: a hint may be old). */
export interface IdTokenHint {
  sub: string;
  aud: string;
}

export type ReadIdTokenHint = (token: string) => Promise<IdTokenHint | null>;

export type EndSessionParams = Record<string, unknown>;

export type EndSessionPlan =
  | { ok: false; message: string }
  /** `confirmed`: the hint names the person signed in, so the session may end without asking. `then`: where to go after. */
  | { ok: true; confirmed: boolean; then: string | undefined };

export interface EndSessionDeps {
  readHint: ReadIdTokenHint;
  clients: { find(clientId: string): Promise<RegisteredClient> };
}

export function createEndSession({ readHint, clients }: EndSessionDeps) {
  return async function planEndSession(params: EndSessionParams, who: SignedIn | null): Promise<EndSessionPlan> {
    const one = (name: string) => (typeof params[name] === 'string' && params[name] !== '' ? (params[name] as string) : undefined);
    const repeated = Object.entries(params).find(([, value]) => Array.isArray(value));
    if (repeated) return { ok: false, message: `${repeated[0]} is given more than once.` };
    const hintText = one('id_token_hint');
    const hint = hintText === undefined ? null : await readHint(hintText);
    if (hintText !== undefined && !hint) return { ok: false, message: 'id_token_hint is not an ID token of this provider.' };
    const clientId = one('client_id');
    if (hint && clientId !== undefined && hint.aud !== clientId) return { ok: false, message: 'client_id is not the audience of id_token_hint.' };
    const confirmed = Boolean(hint && who && hint.sub === who.userId);
    const uri = one('post_logout_redirect_uri');
    if (uri === undefined) return { ok: true, confirmed, then: undefined };
    const owner = hint?.aud ?? clientId;
    if (owner === undefined) return { ok: false, message: 'post_logout_redirect_uri needs id_token_hint or client_id.' };
    const client = await clients.find(owner).catch(() => null);
    if (!client || !client.postLogoutRedirectUris.includes(uri)) {
      return { ok: false, message: 'post_logout_redirect_uri is not one registered for this client.' };
    }
    return { ok: true, confirmed, then: clientRedirect(uri, { state: one('state') }) };
  };
}
