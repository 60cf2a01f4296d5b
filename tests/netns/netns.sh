# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# netns.sh — network-namespace helpers for pcp's end-to-end tests and `make demo`.
#
# Source it:   . "$(dirname "$0")/../netns/netns.sh"
# or run it:   bash tests/netns/netns.sh unshare -- CMD ARGS...   (single lo-only namespace)
#              bash tests/netns/netns.sh check                     (capability report)
#
# Safety rules this library enforces (DESIGN §7, environment rules):
#   - every namespace it creates is named pcp-<pid>-<name>, where <pid> is the PID of the
#     shell that sourced it; nothing is ever created or changed in the host namespace
#     (veths are created *inside* test namespaces, bridges live in a dedicated switch namespace);
#   - addresses are 10.x / fd00:: test-private ranges and exist only inside those namespaces;
#   - a trap on EXIT/INT/TERM kills the processes it started (by PID) and deletes every
#     namespace it created;
#   - a missing capability exits 77 (ctest SKIP_RETURN_CODE) with a reason on stderr, or 1
#     when PCP_REQUIRE_NETNS=1 (CI must not silently skip).
#
# Short names ("a", "b", "r") are used everywhere; netns_name turns them into full names.
# A name that already starts with "pcp-" is taken as a full name.

# Guard against double sourcing.
if [ -n "${_NETNS_SH_LOADED:-}" ]; then return 0 2>/dev/null || exit 0; fi
_NETNS_SH_LOADED=1

NETNS_SKIP_RC=77
NETNS_TAG="${NETNS_TAG:-pcp-$$}"          # prefix of every namespace this shell creates
_NETNS_CREATED=()                         # full names, in creation order
_NETNS_PIDS=()                            # background PIDs started by netns_bg
_NETNS_DEFERRED=()                        # extra cleanup commands (run LIFO, first)
_NETNS_TRAP_SET=0
_NETNS_PORT_SEQ=0

_netns_log() { printf 'netns: %s\n' "$*" >&2; }

# netns_skip REASON — exit 77 (skip) with REASON, or 1 when PCP_REQUIRE_NETNS=1.
netns_skip() {
  if [ "${PCP_REQUIRE_NETNS:-0}" = "1" ]; then
    printf 'netns: FAIL (PCP_REQUIRE_NETNS=1): %s\n' "$*" >&2
    exit 1
  fi
  printf 'netns: SKIP: %s\n' "$*" >&2
  exit "$NETNS_SKIP_RC"
}

# netns_require [nft] [python3] [iperf3] ... — check root, ip, working `ip netns`, and any
# extra commands named; skips (77) or fails (PCP_REQUIRE_NETNS=1) with a clear reason.
netns_require() {
  [ "$(id -u)" -eq 0 ] || netns_skip "needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN) to create network namespaces; running as uid $(id -u)"
  command -v ip >/dev/null 2>&1 || netns_skip "'ip' (iproute2) not found; install iproute2"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || netns_skip "'$tool' not found (needed by this test)"
  done
  # Probe: can we really create a namespace (containers often forbid it)?
  local probe="${NETNS_TAG}-probe"
  if ! ip netns add "$probe" 2>/dev/null; then
    netns_skip "'ip netns add' failed (no CAP_SYS_ADMIN or /run/netns not writable)"
  fi
  local ok=1
  ip -n "$probe" link set lo up 2>/dev/null || ok=0
  if [ "$ok" = 1 ]; then
    for tool in "$@"; do
      if [ "$tool" = nft ]; then
        ip netns exec "$probe" nft add table inet pcp_probe 2>/dev/null || ok=2
      fi
    done
  fi
  ip netns del "$probe" 2>/dev/null
  [ "$ok" = 0 ] && netns_skip "cannot configure interfaces inside a namespace"
  [ "$ok" = 2 ] && netns_skip "nftables does not work inside a namespace (kernel nf_tables missing?)"
  return 0
}

# netns_name NAME — print the full namespace name (pcp-<pid>-NAME).
netns_name() {
  case "$1" in
    pcp-*) printf '%s\n' "$1" ;;
    *) printf '%s-%s\n' "$NETNS_TAG" "$1" ;;
  esac
}

_netns_install_trap() {
  [ "$_NETNS_TRAP_SET" = 1 ] && return 0
  _NETNS_TRAP_SET=1
  trap '_netns_cleanup' EXIT
  trap '_netns_cleanup; trap - EXIT; exit 130' INT
  trap '_netns_cleanup; trap - EXIT; exit 143' TERM
}

# netns_defer CMD... — run CMD (a string, eval'd) at cleanup, before namespaces are deleted.
netns_defer() { _netns_install_trap; _NETNS_DEFERRED+=("$*"); }

_netns_kill_pids() {  # PIDs... — TERM, wait up to ~3 s, then KILL; only the PIDs given.
  local pid alive i
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
  for i in $(seq 1 30); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null; done
  for pid in "$@"; do wait "$pid" 2>/dev/null; done
  return 0
}

# netns_cleanup — what the trap runs; safe to call more than once.
_netns_cleanup() {
  local i ns pids
  for ((i = ${#_NETNS_DEFERRED[@]} - 1; i >= 0; i--)); do
    eval "${_NETNS_DEFERRED[$i]}" >/dev/null 2>&1 || true
  done
  _NETNS_DEFERRED=()
  if [ "${#_NETNS_PIDS[@]}" -gt 0 ]; then _netns_kill_pids "${_NETNS_PIDS[@]}"; fi
  _NETNS_PIDS=()
  for ((i = ${#_NETNS_CREATED[@]} - 1; i >= 0; i--)); do
    ns="${_NETNS_CREATED[$i]}"
    # Anything still running inside a namespace we created was started by this test.
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    # shellcheck disable=SC2086
    [ -n "$pids" ] && _netns_kill_pids $pids
    ip netns del "$ns" 2>/dev/null || _netns_log "warning: could not delete $ns"
  done
  _NETNS_CREATED=()
  return 0
}
netns_cleanup() { _netns_cleanup; }

# The lo setup, usable both via `ip -n NS` (prefix "-n NS") and inside unshare (no prefix).
# lo up + MULTICAST flag, 224.0.0.0/4 and ff00::/8 on lo (metric 1000 so a route via a veth
# added by netns_mcast_route wins), IPv6 DAD disabled for every interface made later.
# Note: the kernel delivers IPv4 multicast over lo, but NOT IPv6 multicast (packets are
# counted as sent and never received); use netns_mcast6_loop for IPv6 mDNS in a lo-only ns.
_netns_lo_setup() {  # [-n NS]
  ip "$@" link set lo up || return 1
  ip "$@" link set lo multicast on || return 1
  ip "$@" route replace 224.0.0.0/4 dev lo src 127.0.0.1 metric 1000 || return 1
  ip "$@" -6 route replace ff00::/8 dev lo table local metric 1000 2>/dev/null || true
  return 0
}
_netns_sysctl() {  # NS key=value...
  local ns="$1"; shift
  ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

# netns_create NAME... — create namespaces pcp-<pid>-NAME, register them for cleanup, bring up
# lo with multicast routes, disable IPv6 DAD (addresses are usable at once).
netns_create() {
  _netns_install_trap
  local n ns
  for n in "$@"; do
    ns=$(netns_name "$n")
    ip netns add "$ns" || { _netns_log "ip netns add $ns failed"; return 1; }
    _NETNS_CREATED+=("$ns")
    _netns_lo_setup -n "$ns" || { _netns_log "lo setup in $ns failed"; return 1; }
    _netns_sysctl "$ns" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
      net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0 2>/dev/null || true
  done
}

# netns_list — print the full names this shell created (still alive).
netns_list() { local ns; for ns in "${_NETNS_CREATED[@]}"; do printf '%s\n' "$ns"; done; }

# netns_exec NAME CMD... — run CMD inside namespace NAME (foreground).
netns_exec() {
  local ns; ns=$(netns_name "$1"); shift
  ip netns exec "$ns" "$@"
}

# netns_bg NAME CMD... — start CMD in the background inside NAME; its PID goes to $NETNS_BG_PID
# and is killed at cleanup. Redirect its output yourself, e.g. netns_bg a cmd >log 2>&1.
netns_bg() {
  _netns_install_trap
  local ns; ns=$(netns_name "$1"); shift
  ip netns exec "$ns" "$@" &
  NETNS_BG_PID=$!
  _NETNS_PIDS+=("$NETNS_BG_PID")
}

# netns_stop PID... — stop processes started by netns_bg (TERM, then KILL after ~3 s).
netns_stop() {
  _netns_kill_pids "$@"
  local p keep=() q
  for q in "${_NETNS_PIDS[@]}"; do
    for p in "$@"; do [ "$p" = "$q" ] && continue 2; done
    keep+=("$q")
  done
  _NETNS_PIDS=("${keep[@]}")
}

# netns_ip NAME ARGS... — `ip ARGS` inside NAME (e.g. netns_ip a route add default via 10.1.0.1).
netns_ip() { local ns; ns=$(netns_name "$1"); shift; ip -n "$ns" "$@"; }

# netns_veth A IFA B IFB — veth pair directly between namespaces A and B (created inside A,
# the peer moved into B; both ends up). The host namespace is never involved.
netns_veth() {
  local a b; a=$(netns_name "$1"); b=$(netns_name "$3")
  ip -n "$a" link add "$2" type veth peer name "$4" netns "$b" || return 1
  ip -n "$a" link set "$2" up && ip -n "$b" link set "$4" up
}

# netns_switch_create [SW] — create switch namespace SW (default "sw") with bridge br0 up
# (STP off, multicast snooping off so mDNS floods like a dumb switch).
netns_switch_create() {
  local sw="${1:-sw}" ns
  netns_create "$sw" || return 1
  ns=$(netns_name "$sw")
  ip -n "$ns" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 2>/dev/null ||
    ip -n "$ns" link add br0 type bridge || return 1
  _netns_sysctl "$ns" net.ipv6.conf.br0.disable_ipv6=1 2>/dev/null || true
  ip -n "$ns" link set br0 up
}

# netns_switch_attach NAME [IF] [SW] — plug namespace NAME into switch SW with interface IF
# (default eth0); the switch-side port is named p<seq>.
netns_switch_attach() {
  local n="$1" ifn="${2:-eth0}" sw="${3:-sw}" swns port
  swns=$(netns_name "$sw")
  _NETNS_PORT_SEQ=$((_NETNS_PORT_SEQ + 1))
  port="p${_NETNS_PORT_SEQ}"
  netns_veth "$n" "$ifn" "$sw" "$port" || return 1
  _netns_sysctl "$swns" "net.ipv6.conf.${port}.disable_ipv6=1" 2>/dev/null || true
  ip -n "$swns" link set "$port" master br0
}

# netns_addr NAME IF CIDR... — add addresses; IPv6 ones (containing ':') get `nodad`.
netns_addr() {
  local ns ifn a; ns=$(netns_name "$1"); ifn="$2"; shift 2
  for a in "$@"; do
    case "$a" in
      *:*) ip -n "$ns" -6 addr add "$a" dev "$ifn" nodad || return 1 ;;
      *) ip -n "$ns" addr add "$a" dev "$ifn" || return 1 ;;
    esac
  done
  ip -n "$ns" link set "$ifn" up
}

# netns_default_route NAME GW [IF] — default route (IPv4 or IPv6 by GW's form).
netns_default_route() {
  local ns; ns=$(netns_name "$1")
  case "$2" in
    *:*) ip -n "$ns" -6 route replace default via "$2" ${3:+dev "$3"} ;;
    *) ip -n "$ns" route replace default via "$2" ${3:+dev "$3"} ;;
  esac
}

# netns_mcast_route NAME IF — send multicast (224.0.0.0/4, ff00::/8) out IF instead of lo.
netns_mcast_route() {
  local ns; ns=$(netns_name "$1")
  ip -n "$ns" route replace 224.0.0.0/4 dev "$2" metric 100 &&
    ip -n "$ns" -6 route replace ff00::/8 dev "$2" table local metric 100
}

# netns_lan V4_PREFIX [V6_PREFIX] — the usual two-host LAN: namespaces a (V4_PREFIX.1/24,
# V6_PREFIX::1/64) and b (.2, ::2) on switch sw, multicast routed out of eth0 so mDNS works as on
# a real LAN; returns 1 (after a bounded ping) when a cannot reach b. E.g. `netns_lan 10.232.0 fd32`.
netns_lan() {
  local v4="$1" v6="${2:-}" a6=() b6=()
  [ -n "$v6" ] && { a6=("$v6::1/64"); b6=("$v6::2/64"); }
  netns_create a b && netns_switch_create sw &&
    netns_switch_attach a eth0 sw && netns_switch_attach b eth0 sw &&
    netns_addr a eth0 "$v4.1/24" "${a6[@]}" && netns_addr b eth0 "$v4.2/24" "${b6[@]}" &&
    netns_mcast_route a eth0 && netns_mcast_route b eth0 || return 1
  netns_reach a "$v4.2" 2 >/dev/null
}

# netns_mcast6_loop NAME — IPv6 multicast for a lo-only namespace: a veth pair mc0/mc1 that
# stays inside NAME (mc0 gets fe80::1/64 and the ff00::/8 route); IP_MULTICAST_LOOP then
# delivers mDNS over IPv6 locally. Nothing leaves the namespace.
netns_mcast6_loop() {
  local ns; ns=$(netns_name "$1")
  ip -n "$ns" link add mc0 type veth peer name mc1 || return 1
  ip -n "$ns" link set mc1 up && ip -n "$ns" link set mc0 multicast on up &&
    ip -n "$ns" -6 addr add fe80::1/64 dev mc0 nodad &&
    ip -n "$ns" -6 route replace ff00::/8 dev mc0 table local metric 100
}

# netns_forwarding NAME [0|1] — IPv4+IPv6 forwarding inside NAME (default 1).
netns_forwarding() {
  local ns v="${2:-1}"; ns=$(netns_name "$1")
  _netns_sysctl "$ns" "net.ipv4.ip_forward=$v" "net.ipv6.conf.all.forwarding=$v"
}

# netns_nat NAME WAN_IF — make NAME a NAT router: forwarding on, IPv4 masquerade of everything
# leaving WAN_IF (nft table `ip pcp_nat`). IPv6 is routed, not translated.
netns_nat() {
  local ns; ns=$(netns_name "$1")
  netns_forwarding "$1" 1 || return 1
  ip netns exec "$ns" nft -f - <<EOF
table ip pcp_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "$2" masquerade
  }
}
EOF
}

# netns_nat_off NAME — remove the masquerade table.
netns_nat_off() { netns_exec "$1" nft delete table ip pcp_nat 2>/dev/null || true; }

# _netns_drop_table NS TABLE VERDICT_EXPR [IF] [DIR]
# DIR: both (default) | in | out. A packet is matched at most once per namespace: in = input
# and forward by incoming IF; out = output and forward by outgoing IF; both = input, forward,
# and output except on lo (lo traffic is seen again on input), so a lo-only namespace loses
# exactly PERCENT of its packets and a veth endpoint loses PERCENT in each direction.
_netns_drop_table() {
  local ns="$1" table="$2" expr="$3" ifn="${4:-}" dir="${5:-both}"
  local iif="" oif="" in_r="" out_r="" fwd_r=""
  [ -n "$ifn" ] && iif="iifname \"$ifn\" " && oif="oifname \"$ifn\" "
  case "$dir" in
    in) in_r="${iif}${expr}"; fwd_r="${iif}${expr}" ;;
    out) out_r="${oif}${expr}"; fwd_r="${oif}${expr}" ;;
    both)
      in_r="${iif}${expr}"
      if [ -n "$ifn" ]; then out_r="${oif}${expr}"; fwd_r="${iif}${expr}; ${oif}${expr}"
      else out_r="oifname != \"lo\" ${expr}"; fwd_r="${expr}"; fi ;;
    *) _netns_log "direction must be both|in|out, got '$dir'"; return 2 ;;
  esac
  local body=""
  [ -n "$in_r" ] && body+="  chain input { type filter hook input priority -10; policy accept; ${in_r}; }
"
  [ -n "$out_r" ] && body+="  chain output { type filter hook output priority -10; policy accept; ${out_r}; }
"
  [ -n "$fwd_r" ] && body+="  chain forward { type filter hook forward priority -10; policy accept; ${fwd_r}; }
"
  ip netns exec "$ns" nft delete table inet "$table" 2>/dev/null
  printf 'table inet %s {\n%s}\n' "$table" "$body" | ip netns exec "$ns" nft -f -
}

# netns_loss NAME PERCENT [IF] [both|in|out] — drop PERCENT% of packets at random
# (nft numgen random); PERCENT 0 removes the rule. Table `inet pcp_loss`.
netns_loss() {
  local ns; ns=$(netns_name "$1")
  if [ "$2" -le 0 ]; then
    ip netns exec "$ns" nft delete table inet pcp_loss 2>/dev/null || true
    return 0
  fi
  _netns_drop_table "$ns" pcp_loss "numgen random mod 100 < $2 drop" "${3:-}" "${4:-both}"
}

# netns_block NAME on|off [IF] [both|in|out] — drop every packet (link "unplugged") or stop
# doing so. Table `inet pcp_block`, independent of netns_loss.
netns_block() {
  local ns; ns=$(netns_name "$1")
  case "$2" in
    on) _netns_drop_table "$ns" pcp_block "drop" "${3:-}" "${4:-both}" ;;
    off) ip netns exec "$ns" nft delete table inet pcp_block 2>/dev/null || true ;;
    *) _netns_log "netns_block: expected on|off, got '$2'"; return 2 ;;
  esac
}

# netns_reach NAME ADDR [TRIES] — succeed if ADDR answers from inside NAME. Uses
# `ping -c TRIES -W 1` (IPv6 by ADDR's form) when ping exists; otherwise a bash TCP probe to
# port 9 (discard): an RST ("refused") or an accept both prove reachability, a timeout not.
netns_reach() {
  local ns addr="$2" tries="${3:-3}"; ns=$(netns_name "$1")
  if command -v ping >/dev/null 2>&1 && [ -z "${PCP_NETNS_NO_PING:-}" ]; then
    case "$addr" in
      *:*) ip netns exec "$ns" ping -6 -n -q -c "$tries" -W 1 "$addr" >/dev/null 2>&1 ;;
      *) ip netns exec "$ns" ping -n -q -c "$tries" -W 1 "$addr" >/dev/null 2>&1 ;;
    esac
    return $?
  fi
  local i out
  for i in $(seq 1 "$tries"); do
    out=$(ip netns exec "$ns" timeout 1 bash -c "exec 3<>/dev/tcp/${addr}/9" 2>&1) && return 0
    case "$out" in *refused*) return 0 ;; esac
  done
  return 1
}

# netns_wait_port NAME ADDR PORT [SECONDS] — wait (bounded, default 10 s) until a TCP port
# accepts connections from inside NAME.
netns_wait_port() {
  local ns i; ns=$(netns_name "$1")
  for i in $(seq 1 $((${4:-10} * 10))); do
    ip netns exec "$ns" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# netns_unshare CMD... — run CMD in a fresh, anonymous network namespace that has only lo
# (up, with the multicast routes above). The namespace disappears when CMD and its children
# exit; no cleanup needed. Root uses `unshare -n`; others try `unshare -rn` (user namespace).
# Skips (77) / fails (PCP_REQUIRE_NETNS=1) when unshare is missing or not permitted.
netns_unshare() {
  command -v unshare >/dev/null 2>&1 || netns_skip "'unshare' (util-linux) not found"
  command -v ip >/dev/null 2>&1 || netns_skip "'ip' (iproute2) not found; install iproute2"
  local flags=(-n)
  [ "$(id -u)" -eq 0 ] || flags=(-r -n)
  if ! unshare "${flags[@]}" true 2>/dev/null; then
    netns_skip "unshare ${flags[*]} not permitted (needs root or unprivileged user namespaces)"
  fi
  unshare "${flags[@]}" -- bash -c "$(declare -f _netns_lo_setup)"'
    _netns_lo_setup || { echo "netns: lo setup failed inside unshare" >&2; exit 1; }
    exec "$@"' netns-unshare "$@"
}

# CLI entry point when executed rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    unshare)
      shift
      [ "${1:-}" = "--" ] && shift
      [ "$#" -gt 0 ] || { echo "usage: $0 unshare [--] CMD ARGS..." >&2; exit 2; }
      netns_unshare "$@"
      ;;
    check)
      shift
      netns_require "$@"
      echo "netns: ok (root, ip, ip netns${*:+, $*})"
      ;;
    *)
      echo "usage: $0 unshare [--] CMD ARGS... | check [nft] [TOOL...]" >&2
      echo "       or source it from a test script (see the function comments)" >&2
      exit 2
      ;;
  esac
fi
