// The resource servers that may introspect (INTROSPECTION_CLIENTS) and the check of the id and
// secret they send. Only SHA-256 digests of the secrets are kept, and every check compares two
// digests of equal length in constant time, for a known client id and an unknown one alike.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ClientSecret {
  id: string;
  secret: string;
}

/** Whether `clientSecret` is the secret of `clientId`. */
export type ClientCredentialsCheck = (clientId: string, clientSecret: string) => boolean;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function createClientCredentialsCheck(clients: readonly ClientSecret[]): ClientCredentialsCheck {
  const digests = new Map(clients.map((client) => [client.id, digest(client.secret)]));
  // An unknown id is still compared, against a digest no secret has, so it costs what a known one does.
  const nobody = digest(randomBytes(32).toString('hex'));
  return (clientId, clientSecret) => {
    const expected = digests.get(clientId);
    const equal = timingSafeEqual(digest(clientSecret), expected ?? nobody);
    return expected !== undefined && equal;
  };
}
