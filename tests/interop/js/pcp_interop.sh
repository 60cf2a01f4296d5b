#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcp <-> js-libp2p 2.9.0 interop, both directions, inside a fresh lo-only network namespace:
#   1. js dials `pcp node`: ping x3 + identify (js sees our protocols, agent, observed address);
#      pcp node reports the js peer's identify.
#   2. `pcp ping` dials js listeners with Ed25519, RSA and secp256k1 identities.
#   3. js dials pcp (pcp_testpeer: same host stack plus the test protocols): echo, 64 MiB sink and
#      64 MiB source over 4 concurrent yamux streams with sha256 checks, 64 concurrent echo streams.
#   4. pcp dials js: the same, plus identify of the js peer.
#   5. A wrong /p2p/ ID fails in both directions; pcp ping exits 4 (authentication failed).
# Usage: pcp_interop.sh PCP_BINARY TESTPEER_BINARY [JS_DIR]
# Exit 0 pass, 1 fail, 77 skip (node/npm or namespaces missing, unless PCP_REQUIRE_* = 1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" = "--inner" ]; then
  dir="$2" pcp="$3" tp="$4"
  pass=0 fail=0
  ok() { pass=$((pass + 1)); echo "ok - $*"; }
  bad() { fail=$((fail + 1)); echo "not ok - $*"; }
  if [ "$(ip -o link | wc -l)" -ne 1 ]; then echo "not ok - namespace has interfaces other than lo" >&2; exit 1; fi
  ip link set lo up
  tmp=$(mktemp -d)
  pids=()
  cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  wait_line() { # FILE PATTERN -> first matching line, bounded 20 s
    for _ in $(seq 1 200); do
      if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
      sleep 0.1
    done
    return 1
  }
  js_listen() { # NAME ARGS... -> sets JADDR
    node "$dir/peer.mjs" listen "$@" >"$tmp/js-$1.out" 2>"$tmp/js-$1.err" </dev/null &
    pids+=("$!")
    JADDR=$(wait_line "$tmp/js-$1.out" '"listening"' | jq -r '.addrs[0]')
    [ -n "$JADDR" ] && [ "$JADDR" != null ]
  }
  MIB16=$((16 * 1024 * 1024))

  # 1. js dials pcp node
  "$pcp" node --listen /ip4/127.0.0.1/tcp/0 --json >"$tmp/node.out" 2>"$tmp/node.err" &
  pids+=("$!")
  naddr=$(wait_line "$tmp/node.out" '"listening"' | jq -r '.addrs[0]')
  nid=$(jq -r .peer_id <<<"$(head -1 "$tmp/node.out")")
  if node "$dir/peer.mjs" dial "$naddr" --ping 3 --identify --timeout 30 >"$tmp/d1.out" 2>&1; then
    ok "js dials pcp node: connected, 3 pings"
  else
    bad "js dial of pcp node"; cat "$tmp/d1.out" | tail -5
  fi
  id1=$(grep -m1 '"event":"identify"' "$tmp/d1.out")
  if [ "$(jq -r .peer <<<"$id1")" = "$nid" ] && jq -e '.protocols | index("/ipfs/ping/1.0.0") and index("/ipfs/id/1.0.0")' <<<"$id1" >/dev/null &&
    jq -r .agent <<<"$id1" | grep -q '^pcp/' && jq -r .observed_addr <<<"$id1" | grep -q '^/ip4/127.0.0.1/tcp/'; then
    ok "js identify of pcp: protocols, agent $(jq -r .agent <<<"$id1"), observed $(jq -r .observed_addr <<<"$id1")"
  else
    bad "js identify of pcp: $id1"
  fi
  if nl=$(wait_line "$tmp/node.out" '"peer_identified"') && jq -r .agent <<<"$nl" | grep -q '^js-libp2p/2.9.0'; then
    ok "pcp node identified the js peer ($(jq -r .agent <<<"$nl"))"
  else
    bad "pcp node did not report the js peer's identify"; cat "$tmp/node.out" "$tmp/node.err" | tail -5
  fi
  bogus="${naddr%/p2p/*}/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
  if node "$dir/peer.mjs" dial "$bogus" --ping 1 --timeout 15 >"$tmp/d1b.out" 2>&1; then
    bad "js dial of pcp with a wrong peer ID succeeded"
  else
    ok "js dial of pcp with a wrong peer ID fails"
  fi

  # 2. pcp ping dials js listeners of every key type js supports
  for kt in ed25519 rsa secp256k1; do
    if js_listen "$kt" --key-type "$kt" && "$pcp" ping -c 2 --json "$JADDR" >"$tmp/ping-$kt.out" 2>&1 &&
      [ "$(grep -c '"event":"pong"' "$tmp/ping-$kt.out")" -eq 2 ]; then
      ok "pcp ping -> js ($kt identity): 2 pongs"
    else
      bad "pcp ping -> js ($kt)"; cat "$tmp/ping-$kt.out" "$tmp/js-$kt.err" 2>/dev/null | tail -5
    fi
  done
  js_listen main
  jmain="$JADDR"
  "$pcp" ping -c 1 --json "${jmain%/p2p/*}/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA" >"$tmp/ping-bogus.out" 2>&1
  rc=$?
  [ "$rc" -eq 4 ] && ok "pcp ping of a wrong peer ID exits 4" || { bad "pcp ping of a wrong peer ID exited $rc"; cat "$tmp/ping-bogus.out"; }

  # 3. js dials pcp (testpeer)
  "$tp" listen >"$tmp/tp.out" 2>"$tmp/tp.err" &
  pids+=("$!")
  taddr=$(wait_line "$tmp/tp.out" '"listening"' | jq -r '.addrs[0]')
  node "$dir/peer.mjs" dial "$taddr" --echo 1048576 --sink "$MIB16" --source "$MIB16" --streams 4 --timeout 120 >"$tmp/d3.out" 2>&1
  rc=$?
  for what in echo sink source; do
    tl=$(grep -m1 "\"event\":\"${what}_total\"" "$tmp/d3.out")
    if [ "$(jq -r .ok <<<"$tl")" = true ]; then ok "js -> pcp $what x4 streams: $(jq -r .bytes <<<"$tl") bytes verified ($(jq -r .mib_per_s <<<"$tl") MiB/s)"
    else bad "js -> pcp $what: $tl"; fi
  done
  [ "$rc" -eq 0 ] || { bad "js dial of pcp_testpeer exit $rc"; tail -5 "$tmp/d3.out"; }
  if node "$dir/peer.mjs" dial "$taddr" --echo 65536 --streams 64 --timeout 120 >"$tmp/d3b.out" 2>&1; then
    ok "js -> pcp: 64 concurrent echo streams"
  else
    bad "js -> pcp: 64 concurrent echo streams"; tail -3 "$tmp/d3b.out"
  fi

  # 4. pcp dials js
  "$tp" dial "$jmain" --identify --echo 1048576 --sink "$MIB16" --source "$MIB16" --streams 4 --timeout 120 >"$tmp/d4.out" 2>&1
  rc=$?
  idl=$(grep -m1 '"event":"identify"' "$tmp/d4.out")
  jq -r .agent <<<"$idl" | grep -q '^js-libp2p/2.9.0' && ok "pcp identify of js: $(jq -r .agent <<<"$idl")" || bad "pcp identify of js: $idl"
  for what in echo sink source; do
    tl=$(grep -m1 "\"event\":\"${what}_total\"" "$tmp/d4.out")
    if [ "$(jq -r .ok <<<"$tl")" = true ]; then ok "pcp -> js $what x4 streams: $(jq -r .bytes <<<"$tl") bytes verified ($(jq -r .mib_per_s <<<"$tl" | cut -c1-6) MiB/s)"
    else bad "pcp -> js $what: $tl"; fi
  done
  [ "$rc" -eq 0 ] || { bad "pcp_testpeer dial of js exit $rc"; tail -5 "$tmp/d4.out"; }
  if "$tp" dial "$jmain" --echo 65536 --streams 64 --timeout 120 >"$tmp/d4b.out" 2>&1; then
    ok "pcp -> js: 64 concurrent echo streams"
  else
    bad "pcp -> js: 64 concurrent echo streams"; tail -3 "$tmp/d4b.out"
  fi
  sleep 0.3
  [ "$(grep -c '"event":"sink".*"bytes":'"$MIB16" "$tmp/js-main.out")" -eq 4 ] && ok "js listener verified 4 sink streams from pcp" || bad "js listener sink log"

  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
fi

# Outer part (host namespace): setup (npm ci, registry only), then the inner part in a netns.
pcp="$1" tp="$2" jsdir="${3:-}"
skip() {
  if [ "${PCP_REQUIRE_INTEROP:-0}" = "1" ]; then echo "pcp-interop: FAIL (PCP_REQUIRE_INTEROP=1): $*" >&2; exit 1; fi
  echo "pcp-interop: SKIP: $*" >&2
  exit 77
}
command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"
command -v jq >/dev/null 2>&1 || skip "jq not found"
out=$(bash "$here/setup.sh" ${jsdir:+"$jsdir"}) || exit $?
dir=$(printf '%s\n' "$out" | sed -n 's/^PCP_INTEROP_JS_DIR=//p' | tail -1)
. "$here/../../netns/netns.sh"
netns_unshare timeout -k 5 280 bash "$here/pcp_interop.sh" --inner "$dir" "$(realpath "$pcp")" "$(realpath "$tp")"
