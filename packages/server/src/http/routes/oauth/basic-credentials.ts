// Reading `Authorization: Basic` (RFC 7617) as OAuth 2.0 clients send it: RFC 6749 §2.3.1 has the
// id and secret form-encoded before base64, which some clients skip, so both readings are offered
// when they differ and the credentials check tries each (in constant time, core/oauth/client-credentials.ts).

export interface BasicCredentials {
  id: string;
  secret: string;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;

/** The readings of the header's id and secret; none when it is absent or not Basic. */
export function basicCredentials(header: string | undefined): BasicCredentials[] {
  const match = BASIC.exec(header ?? '');
  if (!match) return [];
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return [];
  const raw = { id: text.slice(0, colon), secret: text.slice(colon + 1) };
  const id = formDecode(raw.id);
  const secret = formDecode(raw.secret);
  if (id === undefined || secret === undefined || (id === raw.id && secret === raw.secret)) return [raw];
  return [{ id, secret }, raw];
}

/** application/x-www-form-urlencoded decoding; undefined for a malformed %-escape. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
