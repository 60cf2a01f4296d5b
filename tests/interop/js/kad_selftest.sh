#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# js-only self-test of the kad-dht harness (kad_net.mjs, kad_lib.sh): 5 js-libp2p nodes
# (@libp2p/kad-dht 15.1.11, server mode, loopback addresses kept; Ed25519, RSA and secp256k1
# identities) form a private DHT in a chain (node i dials only node i-1); their routing tables
# fill through lookups; node 0 provides a CID and node 4 finds it through the network; a lone
# node in a second process joins with --bootstrap (as a pcp node will) and provides/finds both
# ways; find_peer, closest_peers, connect and the error answers work. Proves the harness before
# pcp relies on it.
#   tests/interop/js/kad_selftest.sh [BUILD_DIR]     (default build/interop-js)
# npm ci via setup.sh (host namespace, registry only); every libp2p node runs in a fresh lo-only
# network namespace (tests/netns/netns.sh: unshare -n).
# Exit 0 pass, 1 fail, 77 skip (node/npm/jq missing and PCP_REQUIRE_INTEROP!=1, or no namespaces
# and PCP_REQUIRE_NETNS!=1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------------------------
# Inner part: runs inside the namespace. $2 = harness dir.
if [ "${1:-}" = "--inner" ]; then
  dir="$2"
  pass=0 fail=0
  ok() { pass=$((pass + 1)); echo "ok - $*"; }
  bad() { fail=$((fail + 1)); echo "not ok - $*"; }
  if [ "$(ip -o link | wc -l)" -ne 1 ]; then echo "not ok - namespace has interfaces other than lo; refusing" >&2; exit 1; fi
  . "$here/kad_lib.sh"
  tmp=$(mktemp -d)
  bpid=""
  cleanup() {
    kad_stop >/dev/null 2>&1
    touch "$tmp/b.done"   # ends the joiner's stdin writer (below)
    [ -n "$bpid" ] && kill -TERM "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
    sleep 0.2
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  trap 'exit 143' TERM INT
  kad=/ipfs/kad/1.0.0
  cid=bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e   # CIDv1 raw of "hello world"
  cid_none=bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku  # CIDv1 raw of "", never provided

  t0=$(date +%s%3N)
  if kad_start "$dir" "$tmp" --nodes 5 --topology chain --ready-timeout 60; then
    ok "5 js kad-dht nodes ready ($(jq -r .ms < <(grep '"net_ready"' "$tmp/kad.out")) ms after start)"
  else
    bad "kad_net.mjs did not get ready"; tail -20 "$tmp/kad.out" "$tmp/kad.err"; exit 1
  fi
  declare -a id port
  for i in 0 1 2 3 4; do
    id[i]=$(kad_node "$i" id)
    port[i]=$(kad_node "$i" 'addrs[0]' | sed -n 's|^/ip4/127\.0\.0\.1/tcp/\([0-9]*\)/p2p/.*|\1|p')
  done

  # identities: at least one of each key type, each with its peer ID form; all in server mode
  idok=1
  for i in 0 1 2 3 4; do
    kt=$(kad_node "$i" key_type)
    case "$kt:${id[i]}" in
      ed25519:12D3KooW* | rsa:Qm* | secp256k1:16Uiu2HA*) ;;
      *) idok=0; echo "# node $i key type $kt id ${id[i]}" ;;
    esac
    [ "$(kad_node "$i" mode)" = server ] || { idok=0; echo "# node $i not in server mode"; }
    [ -n "${port[i]}" ] || { idok=0; echo "# node $i has no 127.0.0.1 TCP address: $(kad_node "$i" addrs)"; }
  done
  types=$(grep '"event":"ready"' "$tmp/kad.out" | jq -r .key_type | sort -u | tr '\n' ' ')
  if [ "$idok" = 1 ] && [ "$types" = "ed25519 rsa secp256k1 " ]; then
    ok "identities: $types; peer IDs 12D3KooW/Qm/16Uiu2HA; all 5 in server mode on 127.0.0.1"
  else
    bad "identities/mode/addresses ($types)"
  fi

  # identify: a js server lists the kad protocol, which is what puts it into routing tables
  a=$(kad_cmd "{\"cmd\":\"peer_store\",\"node\":1,\"id\":\"${id[0]}\"}")
  if jq -e --arg k "$kad" '.event == "peer_store" and (.protocols | any(.[]; . == $k)) and .connected' <<<"$a" >/dev/null; then
    ok "node 1 learned from identify that node 0 speaks $kad"
  else
    bad "peer_store: $a"
  fi

  # routing tables fill through lookups: in the chain node 4 was only told about node 3
  full=0
  for _ in $(seq 1 60); do   # bounded: 30 s
    full=1
    for i in 0 1 2 3 4; do
      n=$(kad_cmd "{\"cmd\":\"routing_table\",\"node\":$i}" | jq '.peers | length')
      [ "${n:-0}" -eq 4 ] || { full=0; break; }
    done
    [ "$full" = 1 ] && break
    sleep 0.5
  done
  rt4=$(kad_cmd '{"cmd":"routing_table","node":4}')
  if [ "$full" = 1 ] && jq -e --arg a "${id[0]}" --arg b "${id[1]}" '.peers | any(.[]; . == $a) and any(.[]; . == $b)' <<<"$rt4" >/dev/null; then
    ok "every routing table holds the 4 other nodes (node 4 found nodes 0 and 1 through the DHT)"
  else
    bad "routing tables did not fill: node 4 has $(jq -c .peers <<<"$rt4")"
  fi

  # node 0 provides, node 4 finds it through GET_PROVIDERS answers of other nodes
  a=$(kad_cmd "{\"cmd\":\"provide\",\"node\":0,\"cid\":\"$cid\",\"timeout_ms\":20000}" 30)
  if jq -e '.event == "provided" and .complete and (.to | length) >= 1' <<<"$a" >/dev/null; then
    ok "node 0 provided $cid: ADD_PROVIDER sent to $(jq '.to | length' <<<"$a") peers"
  else
    bad "provide: $a"
  fi
  a=$(kad_cmd "{\"cmd\":\"find_providers\",\"node\":4,\"cid\":\"$cid\",\"timeout_ms\":20000}" 30)
  p=$(jq -c --arg id "${id[0]}" '.peers[]? | select(.id == $id)' <<<"$a")
  if [ "$(jq -r .event <<<"$a")" = providers ] && [ -n "$p" ] &&
    jq -e --arg ma "/ip4/127.0.0.1/tcp/${port[0]}" '.addrs | any(.[]; . == $ma)' <<<"$p" >/dev/null; then
    ok "node 4 found provider node 0 at $(jq -c .addrs <<<"$p")"
  else
    bad "find_providers: $a"
  fi
  if [ -n "$p" ] && jq -e --arg me "${id[4]}" '[.from[] | select(. != $me)] | length >= 1' <<<"$p" >/dev/null; then
    ok "the provider record reached node 4 in GET_PROVIDERS answers from $(jq '[.from[]] | length' <<<"$p") peer(s), not only from its own store"
  else
    bad "no remote GET_PROVIDERS answer named node 0: ${p:-none}"
  fi
  a=$(kad_cmd "{\"cmd\":\"find_providers\",\"node\":3,\"cid\":\"$cid_none\",\"timeout_ms\":10000}" 20)
  if jq -e '.event == "providers" and .complete and (.peers | length) == 0' <<<"$a" >/dev/null; then
    ok "no providers for a CID nobody provided (query completed)"
  else
    bad "find_providers of an unprovided CID: $a"
  fi

  # find_peer without the local peer store: node 4 asks the DHT for node 2
  a=$(kad_cmd "{\"cmd\":\"find_peer\",\"node\":4,\"id\":\"${id[2]}\",\"use_cache\":false,\"timeout_ms\":20000}" 30)
  if jq -e --arg ma "/ip4/127.0.0.1/tcp/${port[2]}" '.event == "peer" and .found and (.local | not) and (.addrs | any(.[]; . == $ma))' <<<"$a" >/dev/null; then
    ok "find_peer: node 4 found node 2 at $(jq -c .addrs <<<"$a") via $(jq -r .from <<<"$a")"
  else
    bad "find_peer: $a"
  fi
  a=$(kad_cmd "{\"cmd\":\"closest_peers\",\"node\":4,\"key\":\"${id[1]}\",\"timeout_ms\":20000}" 30)
  if jq -e --arg id "${id[1]}" '.event == "closest_peers" and .complete and (.peers | any(.[]; .id == $id))' <<<"$a" >/dev/null; then
    ok "closest_peers to node 1's ID includes node 1 ($(jq '.peers | length' <<<"$a") peers)"
  else
    bad "closest_peers: $a"
  fi

  # A separate kad_net.mjs process with one node joins through --bootstrap, as a pcp node will:
  # it provides its own CID and finds node 0's; then node 4 finds the joiner's CID. Its stdin
  # stays open (bounded) until $tmp/b.done exists.
  cid_b=bafkreie3wrepivvyckyey64sodjvgqfrndsebl2mwufm4dxkumodivsqz4   # CIDv1 raw of "pcp"
  {
    printf '%s\n' "{\"cmd\":\"provide\",\"node\":0,\"cid\":\"$cid_b\",\"timeout_ms\":20000}" \
      "{\"cmd\":\"find_providers\",\"node\":0,\"cid\":\"$cid\",\"timeout_ms\":20000}"
    for _ in $(seq 1 600); do [ -e "$tmp/b.done" ] && break; sleep 0.1; done
  } | node "$dir/kad_net.mjs" --nodes 1 --key-types secp256k1 --bootstrap "$(kad_node 0 'addrs[0]')" \
    --ready-timeout 30 --lifetime 120 >"$tmp/b.out" 2>"$tmp/b.err" {KAD_FD}>&- &
  bpid=$!
  for _ in $(seq 1 400); do   # bounded: 40 s
    [ "$(grep -cE '"event":"(provided|providers)"' "$tmp/b.out" 2>/dev/null)" -ge 2 ] && break
    kill -0 "$bpid" 2>/dev/null || break
    sleep 0.1
  done
  bid=$(grep -m1 '"event":"ready"' "$tmp/b.out" | jq -r .id)
  if jq -e '.event == "provided" and .complete and (.to | length) >= 1' <(grep -m1 '"event":"provided"' "$tmp/b.out") >/dev/null &&
    jq -e --arg id "${id[0]}" '.peers | any(.[]; .id == $id)' <(grep -m1 '"event":"providers"' "$tmp/b.out") >/dev/null; then
    ok "a lone node bootstrapped from node 0 ($bid) provided to $(grep -m1 '"event":"provided"' "$tmp/b.out" | jq '.to | length') peers and found node 0's record"
  else
    bad "bootstrapped joiner: $(cat "$tmp/b.out") $(tail -3 "$tmp/b.err")"
  fi
  a=$(kad_cmd "{\"cmd\":\"find_providers\",\"node\":4,\"cid\":\"$cid_b\",\"timeout_ms\":20000}" 30)
  if [ -n "$bid" ] && jq -e --arg id "$bid" '.peers | any(.[]; .id == $id and (.addrs | length) >= 1)' <<<"$a" >/dev/null; then
    ok "node 4 found the joiner as provider of $cid_b"
  else
    bad "find_providers of the joiner's CID: $a"
  fi
  touch "$tmp/b.done"
  wait "$bpid"
  rc=$?
  bpid=""
  [ "$rc" -eq 0 ] && ok "joiner exited 0 at stdin EOF" || bad "joiner exit $rc"

  # connect: to a known node; then to a closed port (must answer with an error)
  a=$(kad_cmd "{\"cmd\":\"connect\",\"node\":4,\"addr\":\"$(kad_node 0 'addrs[0]')\",\"timeout_ms\":10000}" 20)
  if jq -e --arg id "${id[0]}" '.event == "connected" and .peer == $id and .in_table' <<<"$a" >/dev/null; then
    ok "connect: node 4 -> node 0, in its routing table"
  else
    bad "connect: $a"
  fi
  a=$(kad_cmd '{"cmd":"connect","node":2,"addr":"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA","timeout_ms":5000}' 15)
  if jq -e '.event == "error" and .cmd == "connect"' <<<"$a" >/dev/null; then
    ok "connect to a closed port answers an error: $(jq -r .message <<<"$a" | cut -c1-80)"
  else
    bad "connect to a closed port: $a"
  fi
  a=$(kad_cmd '{"cmd":"routing_table","node":5}')
  b=$(kad_cmd '{"cmd":"no_such_command","node":0}')
  if jq -e '.event == "error"' <<<"$a" >/dev/null && jq -e '.event == "error"' <<<"$b" >/dev/null; then
    ok "bad node index and unknown command answer errors"
  else
    bad "error answers: $a / $b"
  fi

  # quit: answered, process gone within 10 s, exit 0
  kad_stop
  rc=$?
  if [ "$rc" -eq 0 ] && grep -q '"event":"quit"' "$tmp/kad.out"; then
    ok "quit: answered and exited 0"
  else
    bad "quit: exit $rc"; tail -3 "$tmp/kad.err"
  fi

  echo "# inner took $(($(date +%s%3N) - t0)) ms"
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
fi

# ---------------------------------------------------------------------------------------------
# Outer part (host namespace): setup (npm ci, registry only), then the inner part in a netns.
. "$here/harness.sh"
harness_prepare kad-selftest "${1:-}" node npm jq
harness_run_inner "kad selftest" "$here/kad_selftest.sh" 200
