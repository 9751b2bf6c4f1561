// A stand-in for GitHub, which the tests cannot reach: it serves the documented endpoints of
// GitHub's OAuth app flow and REST API with GitHub's documented answers (docs.github.com,
// "Authorizing OAuth apps", "REST API: Users" and "Emails"): GET /login/oauth/authorize (the person
// approves at once), POST /login/oauth/access_token (PKCE S256 checked; errors as GitHub sends them,
// 200 with an `error` field), GET /user and GET /user/emails with the bearer token.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { freePort } from '../helpers.js';

export interface GitHubPerson {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export interface GitHubStandIn {
  url: string;
  /** Who approves the next authorization. */
  signInAs(person: GitHubPerson): void;
  /** Headers of the API requests seen, for the tests to check. */
  apiRequests: Array<Record<string, string | string[] | undefined>>;
}

interface Grant { person: GitHubPerson; challenge: string | null; redirectUri: string; clientId: string }

export async function startGitHubStandIn(t: TestContext, client: { id: string; secret: string }): Promise<GitHubStandIn> {
  const port = await freePort();
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, GitHubPerson>();
  const apiRequests: GitHubStandIn['apiRequests'] = [];
  let current: GitHubPerson | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') return void readBody(req).then((body) => accessToken(body, res));
    if (req.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) return api(url.pathname, req, res);
    json(res, 404, { message: 'Not Found' });
  });

  function authorize(url: URL, res: ServerResponse): void {
    const redirectUri = url.searchParams.get('redirect_uri')!;
    const code = randomBytes(10).toString('hex');
    const method = url.searchParams.get('code_challenge_method');
    codes.set(code, { person: current!, challenge: method === 'S256' ? url.searchParams.get('code_challenge') : null, redirectUri, clientId: url.searchParams.get('client_id')! });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state')!);
    res.writeHead(302, { location: back.href }).end();
  }

  function accessToken(form: URLSearchParams, res: ServerResponse): void {
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier');
    const pkce = grant?.challenge === null || (verifier !== null && createHash('sha256').update(verifier).digest('base64url') === grant?.challenge);
    if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret) {
      return json(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
    }
    if (!grant || !pkce || form.get('redirect_uri') !== grant.redirectUri) {
      return json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
    }
    const token = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(token, grant.person);
    json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  }

  function api(path: string, req: IncomingMessage, res: ServerResponse): void {
    apiRequests.push({ ...req.headers });
    const person = tokens.get((req.headers.authorization ?? '').replace(/^(Bearer|token) /, ''));
    if (!person) return json(res, 401, { message: 'Requires authentication' });
    if (path === '/user') {
      const primary = person.emails.find((entry) => entry.primary);
      return json(res, 200, { login: person.login, id: person.id, type: 'User', name: person.name, email: primary?.email ?? null });
    }
    json(res, 200, person.emails.map((entry) => ({ ...entry, visibility: entry.primary ? 'public' : null })));
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${port}`, signInAs: (person) => { current = person; }, apiRequests };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
