#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# with_dns_servers.sh ZONE.json CMD ARGS... — start test DNS servers (tests/tools/dns_server.py) on
# loopback, run CMD with their addresses in the environment, stop them. Run it only inside a
# fresh network namespace: `bash tests/netns/netns.sh unshare -- with_dns_servers.sh ...`
# (ctest does). Servers, all serving ZONE over UDP and TCP:
#   PCP_DNS_TEST_SERVER   127.0.0.1:port  answers normally; its queries are logged to PCP_DNS_TEST_LOG
#   PCP_DNS_TEST_DROP     127.0.0.1:port  never answers (an offline network)
#   PCP_DNS_TEST_SLOW     127.0.0.1:port  answers after 2 s
#   PCP_DNS_TEST_SERVFAIL 127.0.0.1:port  answers SERVFAIL to everything
#   PCP_DNS_TEST_SERVER6  [::1]:port      answers normally (only when ::1 is usable)
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 ZONE.json CMD ARGS..." >&2
  exit 2
fi
zone=$1
shift

if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net 2>/dev/null || true)" ]; then
  echo "with_dns_servers.sh: refusing to run in the host network namespace; use tests/netns/netns.sh unshare --" >&2
  exit 2
fi
command -v python3 >/dev/null 2>&1 || { echo "with_dns_servers.sh: SKIP: python3 not found" >&2; exit 77; }

here=$(cd "$(dirname "$0")" && pwd)
server="$here/../../tools/dns_server.py"
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# start NAME ADDR [server options] — one server on ADDR, any free port.
start() {
  local name=$1 addr=$2
  shift 2
  python3 "$server" --zone "$zone" --addr "$addr" --port 0 --port-file "$tmp/$name.port" --lifetime 900 "$@" \
    2>"$tmp/$name.err" &
  pids+=("$!")
}

# port NAME — wait (at most 10 s) for the server's port file and print the port.
port() {
  local i
  for i in $(seq 100); do
    if [ -s "$tmp/$1.port" ]; then
      cat "$tmp/$1.port"
      return 0
    fi
    sleep 0.1
  done
  echo "with_dns_servers.sh: server '$1' did not start:" >&2
  cat "$tmp/$1.err" >&2
  return 1
}

start main 127.0.0.1 --log "$tmp/main.log"
start drop 127.0.0.1 --drop
start slow 127.0.0.1 --delay 2
start servfail 127.0.0.1 --rcode servfail
have6=0
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null; then
  start main6 ::1
  have6=1
fi

export PCP_DNS_TEST_SERVER="127.0.0.1:$(port main)"
export PCP_DNS_TEST_LOG="$tmp/main.log"
export PCP_DNS_TEST_DROP="127.0.0.1:$(port drop)"
export PCP_DNS_TEST_SLOW="127.0.0.1:$(port slow)"
export PCP_DNS_TEST_SERVFAIL="127.0.0.1:$(port servfail)"
if [ "$have6" = 1 ]; then
  export PCP_DNS_TEST_SERVER6="[::1]:$(port main6)"
fi

rc=0
"$@" || rc=$?
exit "$rc"
