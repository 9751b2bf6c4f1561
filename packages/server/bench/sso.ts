// `npm run bench:sso`: the SSO code-flow case alone (bench/lib/sso-case.ts), Gatehouse and
// node-oidc-provider in alternating slices, in flows per second.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAll } from './lib/children.js';
import { timing } from './lib/load.js';
import { measureSso, SSO_TARGET_RATIO } from './lib/sso-case.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sso-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const load = loadavg().map((n) => n.toFixed(2)).join(', ');
try {
  const r = await measureSso(dir);
  const ratio = Math.round((r.gatehouse.rps / r.oidcProvider.rps) * 100) / 100;
  console.log(`SSO code flow (${timing.seconds} s each, alternating): Gatehouse ${r.gatehouse.rps} flows/s (p50 ${r.gatehouse.p50Ms} ms, `
    + `p99 ${r.gatehouse.p99Ms} ms, ${r.gatehouse.failures} failures), node-oidc-provider ${r.oidcProvider.rps} flows/s `
    + `(p50 ${r.oidcProvider.p50Ms} ms, p99 ${r.oidcProvider.p99Ms} ms, ${r.oidcProvider.failures} failures) = ${ratio} × `
    + `(${ratio >= SSO_TARGET_RATIO ? 'meets' : 'misses'} the target of ${SSO_TARGET_RATIO} ×); `
    + `token answers without an ID token: ${r.withoutIdToken}; load average at start ${load}`);
} finally {
  await stopAll();
}
