#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prepares the pinned js-libp2p harness in a build-tree directory (never in the source tree):
#   tests/interop/js/setup.sh [DIR]        (default: build/interop-js under the repo root)
# Copies package.json, package-lock.json and the *.mjs programs into DIR and runs `npm ci` there only
# when the lockfile changed since the last successful run (stamp file). This is the only place
# npm runs for the interop tests; the registry is reached from the host namespace (allowed),
# nothing here starts a libp2p node.
# Prints on stdout, last line:   PCP_INTEROP_JS_DIR=<DIR>   (peer.mjs, kad_net.mjs and node_modules/ live there)
# Exit: 0 ok, 77 node/npm missing (1 instead when PCP_REQUIRE_INTEROP=1), 1 npm failure.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$src/../../.." && pwd)
dir="${1:-$repo/build/interop-js}"

skip() {
  if [ "${PCP_REQUIRE_INTEROP:-0}" = "1" ]; then
    echo "interop-js: FAIL (PCP_REQUIRE_INTEROP=1): $*" >&2
    exit 1
  fi
  echo "interop-js: SKIP: $*" >&2
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node not found (install nodejs >= 20)"
command -v npm >/dev/null 2>&1 || skip "npm not found"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || skip "node $(node --version) is too old (need >= 20)"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Several interop tests may start at once under ctest -j: one npm ci at a time.
exec 9>"$dir/.setup.lock"
flock 9

lock_sum=$( (cat "$src/package.json" "$src/package-lock.json"; node --version) | sha256sum | cut -d' ' -f1)
stamp="$dir/.npm-ci.stamp"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] && [ -d "$dir/node_modules" ]; then
  echo "interop-js: node_modules up to date" >&2
else
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  rm -f "$stamp"
  echo "interop-js: npm ci in $dir" >&2
  t0=$(date +%s)
  # --ignore-scripts: no package in the lockfile needs an install script; none may download.
  if ! (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=warn >&2); then
    echo "interop-js: npm ci failed" >&2
    exit 1
  fi
  echo "interop-js: npm ci took $(($(date +%s) - t0)) s" >&2
  echo "$lock_sum" >"$stamp"
fi

# The programs must sit next to node_modules (ESM bare imports resolve from the file's location).
cp "$src"/*.mjs "$dir/"
echo "PCP_INTEROP_JS_DIR=$dir"
