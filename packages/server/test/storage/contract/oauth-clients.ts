// The contract every OAuthClientStore passes (storage/types/oauth-clients.ts): a client reads back
// exactly as stored, ids are unique and compared byte for byte, updates and deletes say whether
// they found the client.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateClientError } from '../../../src/storage/errors.js';
import type { OAuthClientRecord, OAuthClientStore } from '../../../src/storage/types/oauth-clients.js';

export interface OAuthClientHarness {
  clients: OAuthClientStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 11, 1, 12);

export function newClient(clientId: string, overrides: Partial<OAuthClientRecord> = {}): OAuthClientRecord {
  return {
    clientId, secretDigest: 'a'.repeat(64), clientName: `The ${clientId} app`, redirectUris: [`https://${clientId}.example.com/callback`],
    postLogoutRedirectUris: [], tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['authorization_code', 'refresh_token'],
    scope: 'openid profile email', skipConsent: false, createdAt: new Date(T0), updatedAt: new Date(T0), ...overrides,
  };
}

export function describeOAuthClientStore(name: string, skip: string | false, open: () => Promise<OAuthClientHarness>): void {
  describe(`OAuthClientStore contract: ${name}`, { skip }, () => {
    let h: OAuthClientHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('a created client reads back exactly as it was stored; an unknown id finds nothing', async () => {
      const client = newClient('wiki', { postLogoutRedirectUris: ['https://wiki.example.com/bye'], skipConsent: true, scope: 'openid' });
      await h.clients.create(client);
      assert.deepEqual(await h.clients.find('wiki'), client);
      assert.equal(await h.clients.find('nothing'), null);
      const spa = newClient('spa', { secretDigest: null, tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'] });
      await h.clients.create(spa);
      assert.deepEqual(await h.clients.find('spa'), spa);
    });

    test('refuses a taken client id; ids compare byte for byte', async () => {
      await h.clients.create(newClient('grafana'));
      await assert.rejects(h.clients.create(newClient('grafana')), DuplicateClientError);
      await h.clients.create(newClient('Grafana'));
      assert.equal((await h.clients.find('Grafana'))?.clientId, 'Grafana');
      assert.equal(await h.clients.find('GRAFANA'), null);
    });

    test('lists clients by id; update replaces metadata and digest; delete removes; both say whether the client was there', async () => {
      const before = (await h.clients.list()).map((c) => c.clientId);
      assert.deepEqual(before, [...before].sort());
      const next = { ...newClient('wiki'), clientName: 'Wiki', redirectUris: ['https://wiki.example.com/oidc'], secretDigest: 'b'.repeat(64), updatedAt: new Date(T0 + 1000) };
      assert.equal(await h.clients.update(next), true);
      assert.deepEqual(await h.clients.find('wiki'), { ...next, createdAt: new Date(T0) });
      assert.equal(await h.clients.update(newClient('ghost')), false);
      assert.equal(await h.clients.delete('wiki'), true);
      assert.equal(await h.clients.delete('wiki'), false);
      assert.equal(await h.clients.find('wiki'), null);
      assert.ok(!(await h.clients.list()).some((c) => c.clientId === 'wiki'));
    });
  });
}
