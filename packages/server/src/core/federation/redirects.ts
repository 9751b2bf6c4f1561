// Where a federated login may send the browser back to: only an absolute http(s) URL on an
// allow-listed origin (APP_URL's, PUBLIC_URL's, REDIRECT_ORIGINS), never one with credentials
// (OWASP Unvalidated Redirects and Forwards Cheat Sheet). Outcomes travel as query parameters.
import { AuthError } from '../errors.js';
import type { FederationSettings } from '../../config/federation-settings.js';

export type Redirects = ReturnType<typeof createRedirects>;

/** The parameters this flow writes; any the app's URL already had under these names are replaced. */
const OUTCOME_PARAMETERS = ['code', 'error', 'linked'];

export function createRedirects(settings: Pick<FederationSettings, 'appUrl' | 'redirectOrigins'>) {
  return {
    /** The allowed URL `redirect_to` names (APP_URL when absent); invalid_redirect otherwise. */
    check(value: string | undefined): string {
      const target = value ?? settings.appUrl;
      if (target === undefined) throw new AuthError('invalid_redirect', 'Send redirect_to: the page to return to (APP_URL is not set).');
      const url = URL.canParse(target) ? new URL(target) : undefined;
      if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || !settings.redirectOrigins.includes(url.origin)) {
        throw new AuthError('invalid_redirect', 'redirect_to must be a URL on APP_URL\'s origin or one of REDIRECT_ORIGINS.');
      }
      url.hash = '';
      return url.href;
    },

    /** `target` (already checked) with the outcome's parameters. */
    withOutcome(target: string, outcome: Record<string, string>): string {
      const url = new URL(target);
      for (const name of OUTCOME_PARAMETERS) url.searchParams.delete(name);
      for (const [name, value] of Object.entries(outcome)) url.searchParams.set(name, value);
      return url.href;
    },

    /** Where an error lands when the login names no page of its own (a bad state): APP_URL, or nowhere. */
    fallback: settings.appUrl,
  };
}
