// A browser as the page tests need one, over app.inject: a cookie jar (Set-Cookie in, Cookie
// out), form posts, and reading a form's hidden fields from the page.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class PageBrowser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance, private readonly headers: Record<string, string> = {}) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const lines = res.headers['set-cookie'];
    for (const line of lines === undefined ? [] : [lines].flat()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { ...this.headers, ...this.cookieHeader(), ...headers } }));
  }

  async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({
      method: 'POST', url, payload: new URLSearchParams(fields).toString(),
      headers: { ...this.headers, ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
    }));
  }
}

/** The value of the input named `name` in the page, or undefined. */
export function inputValue(page: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0];
  return tag === undefined ? undefined : /value="([^"]*)"/.exec(tag)?.[1];
}

/** The CSRF token of the first form in the page. */
export function csrfOf(page: string): string {
  const token = inputValue(page, 'csrf');
  if (!token) throw new Error(`no csrf field in the page:\n${page}`);
  return token;
}
