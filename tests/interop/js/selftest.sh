#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# js <-> js self-test of the interop harness (peer.mjs): proves the pinned js-libp2p stack and
# the test protocols work before any pcp-vs-js test relies on them.
#   tests/interop/js/selftest.sh [BUILD_DIR]     (default build/interop-js)
# Runs npm ci via setup.sh (host namespace: registry only), then every libp2p node inside a
# fresh lo-only network namespace (tests/netns/netns.sh: unshare -n).
# Exit 0 pass, 1 fail, 77 skip (node/npm missing and PCP_REQUIRE_INTEROP!=1, or no namespaces
# and PCP_REQUIRE_NETNS!=1).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------------------------
# Inner part: runs inside the namespace. $2 = harness dir.
if [ "${1:-}" = "--inner" ]; then
  dir="$2"
  cd "$dir" || exit 1
  pass=0
  fail=0
  ok() { pass=$((pass + 1)); echo "ok - $*"; }
  bad() { fail=$((fail + 1)); echo "not ok - $*"; }
  jget() { node -e 'const o=JSON.parse(process.argv[1]); const v=process.argv[2].split(".").reduce((a,k)=>a?.[k],o); console.log(typeof v==="object"?JSON.stringify(v):v)' "$1" "$2"; }

  # only lo may exist here
  if [ "$(ip -o link | wc -l)" -ne 1 ]; then
    echo "not ok - namespace has interfaces other than lo; refusing" >&2
    exit 1
  fi

  tmp=$(mktemp -d)
  pids=()
  cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  trap 'exit 143' TERM INT

  # start_listener NAME [ARGS...] -> sets LADDR; its stdin is a FIFO whose only writer is a
  # `sleep` (HOLD_NAME) so no other child inherits the write end; kill it to close stdin.
  start_listener() {
    local name="$1"; shift
    mkfifo "$tmp/$name.in"
    node peer.mjs listen "$@" <"$tmp/$name.in" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pids+=("$!")
    eval "LPID_$name=$!"
    sleep 300 >"$tmp/$name.in" &
    pids+=("$!")
    eval "HOLD_$name=$!"
    LADDR=""
    for _ in $(seq 1 200); do   # bounded: 20 s (RSA key generation)
      if grep -q '"listening"' "$tmp/$name.out" 2>/dev/null; then
        LADDR=$(jget "$(grep -m1 '"listening"' "$tmp/$name.out")" addrs.0)
        break
      fi
      sleep 0.1
    done
    [ -n "$LADDR" ]
  }

  t0=$(date +%s.%N)
  if start_listener main; then ok "listener up at $LADDR"; else bad "listener did not start"; cat "$tmp/main.err"; exit 1; fi
  addr="$LADDR"
  peer=$(jget "$(grep -m1 '"listening"' "$tmp/main.out")" peer_id)

  # ping + identify + echo 1 MiB
  node peer.mjs dial "$addr" --ping 3 --identify --echo 1048576 --timeout 60 >"$tmp/d1.out" 2>"$tmp/d1.err"
  rc=$?
  if [ "$rc" -eq 0 ]; then ok "dial: ping x3, identify, echo 1 MiB (exit 0)"; else bad "dial 1 exit $rc"; cat "$tmp/d1.out" "$tmp/d1.err"; fi
  [ "$(grep -c '"event":"ping".*"ok":true' "$tmp/d1.out")" -eq 3 ] && ok "3 pings answered" || bad "pings"
  idl=$(grep -m1 '"event":"identify"' "$tmp/d1.out")
  if [ -n "$idl" ] && [ "$(jget "$idl" peer)" = "$peer" ] &&
    jget "$idl" protocols | grep -q '/pcp-test/source/1.0.0' &&
    jget "$idl" agent | grep -q '^js-libp2p/2.9.0'; then
    ok "identify: peer id, protocols, agent $(jget "$idl" agent)"
  else
    bad "identify result: $idl"
  fi
  grep -q '"event":"echo","stream":0,"bytes":1048576.*"ok":true' "$tmp/d1.out" && ok "echo 1 MiB round trip, sha256 equal" || bad "echo"

  # sink + source, 4 concurrent streams x 16 MiB = 64 MiB each way
  per=$((16 * 1024 * 1024))
  node peer.mjs dial "$addr" --sink "$per" --source "$per" --streams 4 --timeout 120 >"$tmp/d2.out" 2>"$tmp/d2.err"
  rc=$?
  if [ "$rc" -eq 0 ]; then ok "dial: sink + source 4 x 16 MiB (exit 0)"; else bad "dial 2 exit $rc"; cat "$tmp/d2.out" "$tmp/d2.err"; fi
  for what in sink source; do
    n=$(grep -c "\"event\":\"$what\",\"stream\":[0-3],\"bytes\":$per,.*\"ok\":true" "$tmp/d2.out")
    tl=$(grep -m1 "\"event\":\"${what}_total\"" "$tmp/d2.out")
    [ "$n" -eq 4 ] && ok "$what: 4/4 streams verified ($(jget "$tl" mib_per_s) MiB/s)" || bad "$what: $n/4 streams ok"
  done

  # listener-side view: identify of the inbound dialer, sink/source events
  sleep 0.3
  grep -q '"event":"identify".*"observed_addr":"/ip4/127.0.0.1/tcp/' "$tmp/main.out" && ok "listener logged inbound identify with observed_addr" || bad "listener identify log"
  [ "$(grep -c "\"event\":\"sink\".*\"bytes\":$per" "$tmp/main.out")" -eq 4 ] && ok "listener logged 4 sink results" || bad "listener sink log"
  [ "$(grep -c "\"event\":\"source\".*\"bytes\":$per" "$tmp/main.out")" -eq 4 ] && ok "listener logged 4 source results" || bad "listener source log"

  # a failing check must fail: dial a wrong peer id for the same address -> exit non-zero
  bogus="${addr%/p2p/*}/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
  if node peer.mjs dial "$bogus" --ping 1 --timeout 15 >"$tmp/d3.out" 2>&1; then bad "dial with wrong peer id succeeded"
  else ok "dial with wrong peer id fails: $(grep -m1 -o 'peer_mismatch\|"error":"[^"]\{0,80\}' "$tmp/d3.out")"; fi

  # other key types: rsa, secp256k1 listeners answer ping + identify
  for kt in rsa secp256k1; do
    if start_listener "$kt" --key-type "$kt" &&
      node peer.mjs dial "$LADDR" --ping 1 --identify --timeout 30 >"$tmp/$kt.d" 2>&1; then
      ok "$kt listener: ping + identify"
    else
      bad "$kt listener"; cat "$tmp/$kt.d" "$tmp/$kt.err" 2>/dev/null | tail -5
    fi
  done

  # closing stdin stops the listener
  kill -TERM "$HOLD_main"
  stopped=0
  for _ in $(seq 1 50); do
    if ! kill -0 "$LPID_main" 2>/dev/null; then stopped=1; break; fi
    sleep 0.1
  done
  [ "$stopped" = 1 ] && grep -q '"reason":"stdin closed"' "$tmp/main.out" && ok "listener exits when stdin closes" || bad "listener did not exit on stdin close"

  echo "# inner took $(node -e "console.log(((Date.now()/1000)-$t0).toFixed(1))") s"
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
fi

# ---------------------------------------------------------------------------------------------
# Outer part (host namespace): setup (npm ci, registry only), then the inner part in a netns.
. "$here/harness.sh"
harness_prepare interop-js "${1:-}" node npm
harness_run_inner "js selftest" "$here/selftest.sh" 240
