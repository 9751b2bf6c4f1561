#!/usr/bin/env bash
# Uses the three packages the way someone who installs them from npm would: packs each, installs
# the tarballs into a new project outside the repository (no workspace links), runs the CLI and the
# server from there, and talks to the server with the installed client and verifier. Catches what
# the workspace hides: files left out of `files`, wrong exports, runtime deps in devDependencies.
#   scripts/pack-check.sh      (CI runs it after the tests; it builds first)
# Every check runs even after one fails; the exit code is non-zero if any failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-pack-check.XXXXXX")
project="$work/project"
server_pid=

cleanup() {
  # The server runs in its own process group (setsid): npx, its shell and node stop together,
  # and before its data folder is removed.
  if [ -n "$server_pid" ] && kill -TERM -- "-$server_pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 -- "-$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=()
pass() { echo "pack-check: ok   $*"; }
fail() { echo "pack-check: FAIL $*" >&2; failures+=("$*"); }

# --- pack ---------------------------------------------------------------------------------------
(cd "$repo" && npm run build --silent)
mkdir -p "$work/tarballs" "$project"
tarballs=()
for pkg in verify client server; do
  name=$(cd "$repo" && npm pack --workspace "packages/$pkg" --pack-destination "$work/tarballs" --silent)
  tarballs+=("$work/tarballs/$name")
done

# (e) What each tarball holds: the built sources, README.md and LICENSE; no tests, no build state.
for tarball in "${tarballs[@]}"; do
  files=$(tar -tzf "$tarball" | sed 's|^package/||' | sort)
  echo "pack-check: $(basename "$tarball"): $(wc -l <<<"$files") files, $(du -k "$tarball" | cut -f1) kB packed"
  unwanted=$(grep -E '(^|/)(test|tests|bench)/|\.test\.|tsbuildinfo$' <<<"$files" || true)
  [ -z "$unwanted" ] && pass "$(basename "$tarball") has no tests, bench or tsbuildinfo" \
    || fail "$(basename "$tarball") contains: $(tr '\n' ' ' <<<"$unwanted")"
  for required in package.json README.md LICENSE dist/src/index.js dist/src/index.d.ts; do
    grep -qx "$required" <<<"$files" || fail "$(basename "$tarball") lacks $required"
  done
  # The server reads its mail templates from templates/mail at start.
  if [[ $(basename "$tarball") == gatehouse-auth-server-* ]]; then
    [ "$(grep -c '^templates/mail/.*\.\(txt\|html\)$' <<<"$files")" -eq 18 ] && pass "the server tarball has its 18 mail templates" \
      || fail "the server tarball lacks mail templates: $(grep '^templates/' <<<"$files" | tr '\n' ' ')"
  fi
done

# --- install into a fresh project ---------------------------------------------------------------
cd "$project"
npm init -y >/dev/null
# The install-scripts approval the server's README asks for: the three native modules build at install.
node -e "const f='package.json', p=require('./'+f); p.allowScripts={argon2:true,bcrypt:true,'better-sqlite3':true}; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))"
npm install --no-audit --no-fund "${tarballs[@]}" 2>&1 | tee "$work/install.log" \
  || { echo "pack-check: FAIL npm install of the three tarballs" >&2; exit 1; }
# Without the repository's overrides a user's install resolves the server's own dependencies: it
# must not warn EBADENGINE on a Node.js the packages state (the server pins light-my-request and
# @fastify/static for that), nor about install scripts the README's allowScripts approves.
if grep -q EBADENGINE "$work/install.log"; then
  fail "npm warned EBADENGINE for $(grep -A1 "EBADENGINE Unsupported engine" "$work/install.log" | grep -o "package: '[^']*'" | cut -d"'" -f2 | tr '\n' ' ')"
else pass "npm install warned no EBADENGINE on Node.js $(node --version)"; fi
if grep -Eiq "allowScripts|install scripts? (were|was) not run|scripts? not allowed" "$work/install.log"; then
  fail "npm warned about install scripts: $(grep -Ei "allowScripts|install script|not allowed" "$work/install.log" | head -3 | tr '\n' ' ')"
else pass "npm install ran the approved install scripts without a warning"; fi

# Each @gatehouse-auth package must be the tarball's copy, a real folder at the top level.
for pkg in verify client server; do
  dir="node_modules/@gatehouse-auth/$pkg"
  if [ -d "$dir" ] && [ ! -L "$dir" ]; then pass "@gatehouse-auth/$pkg is installed from its tarball"
  else fail "@gatehouse-auth/$pkg is missing or a link in node_modules"; fi
done
[ ! -e node_modules/@gatehouse-auth/server/node_modules/@gatehouse-auth ] \
  || fail "the server got its own copy of verify or client instead of the installed ones"

# (d) The client ships with no dependencies, the verifier with jose alone (its frameworks are optional peers).
deps_of() { node -p "Object.keys(require('./node_modules/@gatehouse-auth/$1/package.json').$2 ?? {}).sort().join(' ')"; }
[ -z "$(deps_of client dependencies)$(deps_of client peerDependencies)$(deps_of client optionalDependencies)" ] \
  && pass "the client has no dependencies" || fail "the client has dependencies"
[ "$(deps_of verify dependencies)" = jose ] && [ -z "$(deps_of verify optionalDependencies)" ] \
  && pass "the verifier depends on jose alone" || fail "the verifier depends on: $(deps_of verify dependencies)"

# (a) The CLI's help.
if help=$(npx --no-install gatehouse --help 2>&1); then status=0; else status=$?; fi
if [ "$status" -eq 0 ] && grep -q '^Usage: gatehouse' <<<"$help"; then pass "npx gatehouse --help exits 0 with the usage"
else fail "npx gatehouse --help exited $status (expected 0 and the usage text)"; fi

# (b) The installed server, on a free loopback port, with its own data folder and a new secret.
port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
secret=$(node -p "require('node:crypto').randomBytes(32).toString('hex')")
base="http://127.0.0.1:$port"
# A clean environment: CI's REDIS_URL and the like must not reach it, and NODE_ENV stays unset
# (so the demo page and /docs are on, as for someone trying it out).
setsid env -i PATH="$PATH" HOME="$HOME" DATA_DIR="$work/data" HOST=127.0.0.1 PORT="$port" GATEHOUSE_SECRET="$secret" \
  npx --no-install gatehouse serve >"$work/server.log" 2>&1 &
server_pid=$!
healthy=false
for _ in $(seq 150); do
  kill -0 "$server_pid" 2>/dev/null || break
  if node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$base/healthz"; then healthy=true; break; fi
  sleep 0.2
done
if $healthy; then pass "npx gatehouse serve answers $base/healthz"
else fail "npx gatehouse serve did not answer /healthz; its log:"; sed 's/^/  | /' "$work/server.log" >&2; fi

# (c) The installed client registers and logs in; the installed verifier checks the token.
cat >check.mjs <<'EOF'
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createAuthClient } from '@gatehouse-auth/client';
import { sharedSecretKeySource, verifyAccessToken } from '@gatehouse-auth/verify';

const [baseUrl, secret] = process.argv.slice(2);
const username = `pack_${randomBytes(4).toString('hex')}`;
const password = `Pack-check ${randomBytes(12).toString('base64url')}`;
const client = createAuthClient({ baseUrl });
const user = await client.register({ username, email: `${username}@example.com`, password });
await client.logout();
const session = await client.login({ username, password });
const verified = await verifyAccessToken(session.accessToken, { keys: sharedSecretKeySource(secret) });
assert.equal(verified.claims.sub, user.id);
assert.equal(verified.id, user.id);
assert.equal(verified.name, username);
assert.equal((await client.user())?.username, username);
console.log(`registered, logged in and verified ${username} (${user.id})`);
EOF
if $healthy && node check.mjs "$base" "$secret"; then pass "client and verifier from the tarballs work against the installed server"
else fail "the client / verifier check against the installed server"; fi

# The demo page serves the client's modules, found through import.meta.resolve('@gatehouse-auth/client').
if $healthy && node -e "fetch(process.argv[1]).then(async (r) => process.exit(r.ok && (await r.text()).includes('createAuthClient') ? 0 : 1), () => process.exit(1))" \
  "$base/demo/js/client/index.js"; then pass "the demo page serves the installed client's modules"
else fail "GET /demo/js/client/index.js from the installed server"; fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "pack-check: ${#failures[@]} check(s) failed:" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "pack-check: all checks passed"
