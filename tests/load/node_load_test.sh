#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctest load.node_1000: runs bench/load/node_load.sh (1,000 connections to `pcp node` in a fresh
# lo-only namespace, then max_connections + 50) and checks correctness only — no speed:
#   - all 1,000 connections complete Noise + yamux and answer every ping; none fails;
#   - every one of them is closed afterwards (none left open on the client side);
#   - a fresh `pcp ping` succeeds while the node holds the 1,000 connections;
#   - node memory per connection (RSS at N − idle) / N under PCP_LOAD_MAX_KIB (default 256 KiB;
#     75 KiB measured);
#   - after the clients left, node RSS ≤ 2 × idle + 16 MiB, and its fd count is back to idle;
#   - over the limit (`pcp node --max-connections 1010`, 1,060 clients): exactly 1,010 admitted, the other 50 refused by a reset or EOF
#     (not a timeout), the node still serves a fresh client afterwards;
#   - the node is alive at the end and exits 143 on SIGTERM.
# Skips (77) without namespaces or jq, unless PCP_REQUIRE_NETNS=1.
#   tests/load/node_load_test.sh PCP_BINARY LOADGEN_BINARY
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
n=1000
max_kib="${PCP_LOAD_MAX_KIB:-256}"
summary=$(mktemp /tmp/pcp-load-summary.XXXXXX)
trap 'rm -f "$summary"' EXIT

# The node runs with --max-connections 1010 (not its default): the 1,000 leave room for the fresh
# ping, then 1,060 try.
PCP_LOAD_SUMMARY="$summary" PCP_LOAD_DURATION="${PCP_LOAD_DURATION:-3}" PCP_LOAD_MAX_CONNECTIONS=1010 \
  bash "$here/../../bench/load/node_load.sh" "$1" "$2" "$n"
rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || { echo "FAIL: node_load.sh exited $rc"; exit 1; }
[ -s "$summary" ] || { echo "FAIL: no summary written"; exit 1; }

fail=0
check() {  # DESCRIPTION JQ_BOOLEAN_EXPR
  if jq -e "$2" "$summary" >/dev/null; then
    echo "ok   $1"
  else
    echo "FAIL $1  ($2)"
    fail=1
  fi
}
check "all $n connections established, none failed" \
  ".established.established == $n and .established.failed == 0"
check "every connection answered every ping" ".done.pinged == $n and (.done.errors | length) == 0"
check "every connection closed afterwards (client side: hangs here with Boost 1.81 io_uring, docs/benchmarks.md \"Load\")" ".done.still_open_after_close == 0"
check "fresh pcp ping succeeded while loaded" ".fresh_client_ok == true"
check "memory per connection < $max_kib KiB" ".node.kib_per_connection != null and .node.kib_per_connection < $max_kib"
check "RSS after the load <= 2 x idle + 16 MiB" ".node.rss_after_kib <= 2 * .node.rss_idle_kib + 16384"
check "no socket left behind" ".node.sockets_after <= .node.sockets_idle"
check "over the limit: exactly max_connections admitted" \
  ".over_limit.established.established == .over_limit.max_connections"
check "over the limit: the other 50 refused, none by a timeout" \
  ".over_limit.established.failed == 50 and ([.over_limit.established.errors | keys[] | test(\"timed out\")] | any | not)"
check "over the limit: the admitted ones all pinged" ".over_limit.done.pinged == .over_limit.max_connections"
check "over the limit: fresh pcp ping afterwards" ".over_limit.fresh_client_ok == true"
check "over the limit: RSS after <= 2 x idle + 16 MiB" ".over_limit.rss_after_kib <= 2 * .node.rss_idle_kib + 16384"
check "over the limit: no socket left behind" ".over_limit.sockets_after <= .node.sockets_idle"
check "node alive at the end, exit 143 on SIGTERM" ".node.alive_at_end == true and .node.exit_on_sigterm == 143"
exit "$fail"
