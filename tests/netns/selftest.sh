#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Self-test of tests/netns/netns.sh: bridge between two namespaces, lo multicast routes,
# nft full drop and random loss, IPv6 with nodad, NAT masquerade, the unshare runner, and
# cleanup on normal exit and on SIGTERM. Exit 0 pass, 1 fail, 77 skip (no root/ip/nft).
# Every network operation stays inside namespaces this script creates.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/selftest.sh"

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
not() { ! "$@"; }
check() {  # DESCRIPTION CMD...
  local d="$1"; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}

# ---------------------------------------------------------------------------------------------
# Inner mode "hold": create namespaces and a background process, then wait to be killed.
if [ "${1:-}" = "--hold" ]; then
  . "$here/netns.sh"
  netns_create x y
  netns_bg x sleep 300
  echo "$NETNS_BG_PID" >"$2"
  for _ in $(seq 1 600); do sleep 0.1; done   # bounded: 60 s
  exit 3
fi

# ---------------------------------------------------------------------------------------------
# Inner mode "main": the topology checks. Its own trap cleans up when it exits.
if [ "${1:-}" = "--main" ]; then
  . "$here/netns.sh"

  # 1. two namespaces joined by a bridge in a switch namespace
  netns_create a b
  netns_switch_create sw
  netns_switch_attach a eth0 sw
  netns_switch_attach b eth0 sw
  netns_addr a eth0 10.201.0.1/24
  netns_addr b eth0 10.201.0.2/24
  check "bridge: a pings b over IPv4" netns_reach a 10.201.0.2 3
  check "bridge: b pings a over IPv4" netns_reach b 10.201.0.1 3
  check "host namespace has no pcp interfaces" bash -c '! ip -o link | grep -q -E "br0|p[0-9]+@"'

  # 2. lo multicast
  check "lo has MULTICAST flag" bash -c "ip -n $(netns_name a) -o link show lo | grep -q MULTICAST"
  check "224.0.0.0/4 route on lo" bash -c "ip -n $(netns_name a) route show 224.0.0.0/4 | grep -q 'dev lo'"
  check "ff00::/8 route on lo" bash -c "ip -n $(netns_name a) -6 route show table local ff00::/8 | grep -q 'dev lo'"
  if command -v python3 >/dev/null 2>&1; then
    check "IPv4 multicast delivered over lo (mDNS group 224.0.0.251)" netns_exec a python3 -c '
import socket, struct
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); r.bind(("", 5353))
r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack("4s4s", socket.inet_aton("224.0.0.251"), socket.inet_aton("127.0.0.1")))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
s.sendto(b"pcp", ("224.0.0.251", 5353)); r.settimeout(2)
assert r.recvfrom(16)[0] == b"pcp"'
    netns_mcast6_loop b
    check "IPv6 multicast delivered via netns_mcast6_loop (ff02::fb)" netns_exec b python3 -c '
import socket, struct
i = socket.if_nametoindex("mc0")
r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); r.bind(("", 5353))
r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("@I", i))
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, i)
s.sendto(b"pcp", ("ff02::fb", 5353, 0, i)); r.settimeout(2)
assert r.recvfrom(16)[0] == b"pcp"'
  else
    echo "# python3 missing: multicast delivery checks skipped"
  fi

  # 3. full drop on/off
  netns_block a on
  check "block on: ping a->b fails" not netns_reach a 10.201.0.2 2
  netns_block a off
  check "block off: ping a->b works again" netns_reach a 10.201.0.2 3

  # 4. random loss (ping only: needs -i)
  if command -v ping >/dev/null 2>&1; then
    netns_loss b 50
    got=$(netns_exec a ping -n -q -c 40 -i 0.02 -W 1 10.201.0.2 2>/dev/null |
      sed -n 's/.* \([0-9]*\) received.*/\1/p')
    netns_loss b 0
    got=${got:-0}
    # 50% each way -> ~25% of 40 echoes answered; 0 or 40 would mean the rule is broken.
    check "loss 50%: $got/40 echoes answered (expect 1..30)" test "$got" -ge 1 -a "$got" -le 30
    check "loss 0: clean again" netns_reach a 10.201.0.2 3
  fi

  # 5. IPv6 with nodad: usable at once, never tentative
  netns_addr a eth0 fd00:201::1/64
  netns_addr b eth0 fd00:201::2/64
  check "IPv6 ping right after address add (nodad)" netns_reach a fd00:201::2 3
  check "no tentative IPv6 addresses" bash -c "! ip -n $(netns_name a) -6 addr | grep -q tentative"

  # 6. NAT: c --lan-- r --wan-- s ; s has no route back to the LAN, so only masquerade works.
  netns_create c r s
  netns_veth c eth0 r lan0
  netns_veth r wan0 s eth0
  netns_addr c eth0 10.202.1.2/24
  netns_addr r lan0 10.202.1.1/24
  netns_addr r wan0 10.202.0.1/24
  netns_addr s eth0 10.202.0.2/24
  netns_default_route c 10.202.1.1
  netns_nat r wan0
  srvlog=$(mktemp)
  netns_defer "rm -f $srvlog"
  if command -v python3 >/dev/null 2>&1; then
    # one-shot TCP server: replies with the peer address it sees, then exits (bounded 20 s)
    netns_bg s timeout 20 python3 -c '
import socket
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("10.202.0.2", 7000)); l.listen(1); l.settimeout(20)
c, a = l.accept(); c.sendall((a[0] + "\n").encode()); c.close()' >"$srvlog" 2>&1
    srv=$NETNS_BG_PID
    seen=""
    for _ in $(seq 1 50); do
      seen=$(netns_exec c timeout 2 bash -c 'exec 3<>/dev/tcp/10.202.0.2/7000 && read -r l <&3 && echo "$l"' 2>/dev/null) && break
      sleep 0.1
    done
    check "NAT: server saw the router's WAN address (got '${seen}')" test "$seen" = "10.202.0.1"
    netns_stop "$srv"
  elif command -v iperf3 >/dev/null 2>&1; then
    netns_bg s timeout 20 iperf3 -s -1 -B 10.202.0.2 >"$srvlog" 2>&1
    srv=$NETNS_BG_PID
    netns_wait_port s 10.202.0.2 5201 5 >/dev/null
    netns_exec c timeout 10 iperf3 -c 10.202.0.2 -t 1 >/dev/null 2>&1
    check "NAT: iperf3 through masquerade, server saw 10.202.0.1" grep -q "Accepted connection from 10.202.0.1" "$srvlog"
    netns_stop "$srv"
  else
    bad "NAT: neither python3 nor iperf3 available"
  fi
  netns_nat_off r
  check "NAT off: LAN address cannot reach the server (no route back)" \
    not netns_exec c timeout 2 bash -c 'exec 3<>/dev/tcp/10.202.0.2/7001 2>/dev/null'

  # 7. unshare runner: only lo, multicast route, loopback works
  out=$(netns_unshare bash -c 'ip -o link | wc -l; ip route show 224.0.0.0/4; exec 3<>/dev/tcp/127.0.0.1/9' 2>&1)
  check "netns_unshare: one interface (lo)" bash -c "printf '%s\n' \"\$1\" | head -1 | grep -qx 1" _ "$out"
  check "netns_unshare: 224.0.0.0/4 on lo" bash -c "printf '%s\n' \"\$1\" | grep -q '224.0.0.0/4 dev lo'" _ "$out"
  check "netns_unshare: loopback TCP answers (refused)" bash -c "printf '%s\n' \"\$1\" | grep -q refused" _ "$out"

  netns_list >"$2"
  echo "# main: $pass passed, $fail failed"
  echo "$pass $fail" >"$3"
  [ "$fail" -eq 0 ]
  exit $?
fi

# ---------------------------------------------------------------------------------------------
# Outer mode: capability check, run the inner parts, verify their cleanup.
. "$here/netns.sh"
netns_require nft

t0=$(date +%s)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tag="pcp-$$-m"
NETNS_TAG="$tag" bash "$self" --main "$tmp/made" "$tmp/counts"
rc=$?
if [ "$rc" -eq 0 ]; then ok "main checks"; else bad "main checks (rc=$rc)"; fi
if [ -s "$tmp/counts" ]; then read -r mp mf <"$tmp/counts"; pass=$((pass + mp)); fail=$((fail + mf)); fi
made=$(wc -l <"$tmp/made" 2>/dev/null || echo 0)
check "main created namespaces ($made)" test "$made" -ge 6
left=$(ip netns list | awk '{print $1}' | grep -c "^${tag}-" || true)
check "normal exit: every namespace deleted (left: $left)" test "$left" -eq 0

# SIGTERM path
tag2="pcp-$$-h"
NETNS_TAG="$tag2" bash "$self" --hold "$tmp/holdpid" &
holder=$!
for _ in $(seq 1 50); do [ -s "$tmp/holdpid" ] && break; sleep 0.1; done
sleeper=$(cat "$tmp/holdpid" 2>/dev/null || echo "")
check "hold: namespaces exist before TERM" test "$(ip netns list | grep -c "^${tag2}-")" -eq 2
kill -TERM "$holder" 2>/dev/null
wait "$holder"
hrc=$?
check "hold: TERM exit code 143 (got $hrc)" test "$hrc" -eq 143
check "TERM: every namespace deleted" test "$(ip netns list | grep -c "^${tag2}-" || true)" -eq 0
if [ -n "$sleeper" ]; then
  check "TERM: background process killed" bash -c "! kill -0 $sleeper 2>/dev/null"
fi

echo "# netns selftest took $(($(date +%s) - t0)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
