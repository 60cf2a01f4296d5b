# SPDX-License-Identifier: MIT
# Bash helpers to drive kad_net.mjs (a private js-libp2p kad-dht network) from a test script
# that already runs inside a test network namespace. Source it; needs node and jq.
#   kad_start JS_DIR WORK_DIR [kad_net.mjs ARGS...]  start it, wait (bounded) for net_ready
#   kad_cmd JSON [SECONDS]                           send one command, print its answer line
#   kad_node I FIELD                                 a field of node I's ready line (id, addrs, ...)
#   kad_stop                                         quit, wait (bounded), then SIGTERM/SIGKILL
# kad_net.mjs reads commands from a FIFO whose write end this shell holds open (fd KAD_FD);
# its stdout goes to $KAD_WORK/kad.out, stderr to $KAD_WORK/kad.err. Answers are matched to
# commands by a unique "tag" field, so kad_cmd also works inside $(...).

KAD_PID=""
KAD_FD=""
KAD_WORK=""

# kad_start JS_DIR WORK_DIR [ARGS...] -> 0 when every node is ready, 1 otherwise (the error
# line or the stderr tail is printed to stderr). The wait is bounded by 30 s more than
# kad_net.mjs's own --ready-timeout (default 60 s).
kad_start() {
  local dir="$1" work="$2"
  shift 2
  KAD_WORK="$work"
  mkdir -p "$work"
  rm -f "$work/kad.in"
  mkfifo "$work/kad.in" || return 1
  node "$dir/kad_net.mjs" "$@" <"$work/kad.in" >"$work/kad.out" 2>"$work/kad.err" &
  KAD_PID=$!
  exec {KAD_FD}>"$work/kad.in"
  local ready_timeout=60 a prev=""
  for a in "$@"; do
    [ "$prev" = "--ready-timeout" ] && ready_timeout="$a"
    prev="$a"
  done
  local i
  for ((i = 0; i < (ready_timeout + 30) * 10; i++)); do
    if grep -q '"event":"net_ready"' "$work/kad.out" 2>/dev/null; then return 0; fi
    if grep -q '"event":"error"' "$work/kad.out" 2>/dev/null || ! kill -0 "$KAD_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "kad_start: kad_net.mjs did not get ready:" >&2
  grep '"event":"error"' "$work/kad.out" >&2
  tail -5 "$work/kad.err" >&2
  return 1
}

# kad_cmd JSON [SECONDS] -> prints the answer line (compact JSON); 1 on timeout (default 60 s;
# give at least the command's timeout_ms plus a margin).
kad_cmd() {
  local json="$1" secs="${2:-60}" tag line i
  tag="t$(date +%s%N)$RANDOM"
  jq -c --arg t "$tag" '. + {tag: $t}' <<<"$json" >&"$KAD_FD" || return 1
  for ((i = 0; i < secs * 10; i++)); do
    line=$(grep -m1 -F "\"tag\":\"$tag\"" "$KAD_WORK/kad.out" 2>/dev/null)
    if [ -n "$line" ]; then
      printf '%s\n' "$line"
      return 0
    fi
    kill -0 "$KAD_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "kad_cmd: no answer to $json within $secs s" >&2
  return 1
}

# kad_node I FIELD -> node I's ready-line field (arrays and objects as compact JSON)
kad_node() {
  grep '"event":"ready"' "$KAD_WORK/kad.out" | jq -c -r --argjson i "$1" "select(.node == \$i) | .$2"
}

# kad_stop -> exit status of kad_net.mjs (143/137 when it had to be killed)
kad_stop() {
  [ -n "$KAD_PID" ] || return 0
  if [ -n "$KAD_FD" ]; then
    echo '{"cmd":"quit"}' >&"$KAD_FD" 2>/dev/null
    exec {KAD_FD}>&-
    KAD_FD=""
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$KAD_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$KAD_PID" 2>/dev/null; then
    kill -TERM "$KAD_PID" 2>/dev/null
    sleep 2
    kill -KILL "$KAD_PID" 2>/dev/null
  fi
  wait "$KAD_PID" 2>/dev/null
  local rc=$?
  KAD_PID=""
  return "$rc"
}
