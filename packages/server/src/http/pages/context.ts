// What the page kit needs from the app, held on it as `pageKit` (registered by http/pages/pages.ts
// before any page route): the theme's stylesheet and CSP, the CSRF key, whether cookies are
// Secure, and the browser sessions (docs/architecture.md, "Pages").
import type { FastifyInstance } from 'fastify';
import type { PageSettings } from '../../config/page-settings.js';
import type { BrowserSessions } from './browser-session.js';

export interface PageKit {
  theme: Readonly<PageSettings>;
  /** HMAC key of the CSRF tokens (derived from the master secret under its own label). */
  csrfKey: Buffer;
  /** PUBLIC_URL is https: cookies are Secure and __Host- prefixed. */
  secure: boolean;
  browserSessions: BrowserSessions;
}

declare module 'fastify' {
  interface FastifyInstance {
    pageKit: PageKit;
  }
}

export function pageKitOf(app: FastifyInstance): PageKit {
  if (!app.pageKit) throw new Error('the page kit is not registered (http/pages/pages.ts)');
  return app.pageKit;
}
