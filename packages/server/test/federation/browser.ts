// A browser for the HTTP tests: fetch with redirects followed by hand and a cookie jar per host
// (names and values only: enough for the provider's session and Gatehouse's pending-login cookie).
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string | URL): Promise<Response> {
    return this.send(new URL(url), { method: 'GET' });
  }

  async post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.send(new URL(url), { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Follows redirects from `url` until one points where `stop` says, or an answer is not a redirect. */
  async follow(url: string | URL, stop: (next: URL) => boolean): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    for (let hop = 0; hop < 20; hop += 1) {
      const response = await this.get(current);
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status > 399) return { response, url: current };
      const next = new URL(location, current);
      if (stop(next)) return { response, url: next };
      current = next;
    }
    throw new Error('too many redirects');
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  forget(host: string, name: string): void {
    this.jar.get(host)?.delete(name);
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    const cookies = [...(this.jar.get(url.host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) } });
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', ...value] = pair.trim().split('=');
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value.join('='));
    }
    this.jar.set(url.host, jar);
    return response;
  }
}
