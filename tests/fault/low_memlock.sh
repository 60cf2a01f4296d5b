#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcp as an unprivileged user (nobody) under a low RLIMIT_MEMLOCK. On recent kernels io_uring
# rings count against it for users without CAP_IPC_LOCK (per user, across processes), and Asio
# sizes each core's ring at 16384 entries (about 1.6 MiB). docs/cli.md: "if io_uring is refused
# it prints what to do and exits 1". Checks, each bounded to 15 s:
#   - pcp send and pcp receive with RLIMIT_MEMLOCK 64 KiB exit 1, and the message says what to
#     do (names RLIMIT_MEMLOCK / memlock / ulimit);
#   - pcp selftest loopback (two cores) with 2 MiB, enough for one ring but not two, ends (exit
#     0 if it managed, else 1 with such a message) instead of hanging.
# The epoll build has no rings: this test is skipped there.
# Usage: low_memlock.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" jq setpriv prlimit
"$pcp" doctor --json | jq -e '.built_with_io_uring' >/dev/null || netns_skip "not the io_uring build"

uid=65534
setpriv --reuid=$uid --regid=$uid --clear-groups test -x "$pcp" || netns_skip "uid $uid cannot execute $pcp"
# Locked memory is counted per user: another process of nobody would change the outcome.
[ -z "$(pgrep -u $uid)" ] || netns_skip "processes of uid $uid are running; RLIMIT_MEMLOCK is counted per user"
echo x >"$work/f"
mkdir "$work/out" && chown $uid:$uid "$work/out"

# limited NAME KIB NS CMD... — run CMD as nobody with RLIMIT_MEMLOCK KIB in NS, at most 15 s;
# sets RC and MSG (stderr and JSON error messages).
limited() {
  local name="$1" kib="$2" ns="$3"
  shift 3
  netns_bg "$ns" setpriv --reuid=$uid --regid=$uid --clear-groups prlimit --memlock=$((kib << 10)):$((kib << 10)) \
    "$@" >"$work/$name.out" 2>"$work/$name.err"
  fault_wait "$NETNS_BG_PID" 15; RC=$?
  MSG="$(cat "$work/$name.err") $(fault_error "$work/$name.out")"
}
says_what_to_do() { grep -Eqi 'memlock|ulimit' <<<"$1"; }

limited send 64 a "$pcp" send --json --no-dht "$work/f"
[ "$RC" -eq 1 ] && ok "send, RLIMIT_MEMLOCK 64 KiB: exit 1" || bad "send, RLIMIT_MEMLOCK 64 KiB: exit $RC (134 = abort, 124 = hung), expected 1: $(head -c 300 <<<"$MSG")"
says_what_to_do "$MSG" && ok "send: the message says what to do" || bad "send: no hint at RLIMIT_MEMLOCK in: $(head -c 300 <<<"$MSG")"

limited recv 64 b "$pcp" receive --json --no-dht -y --timeout 5 -o "$work/out" abandon-ability-able-about
[ "$RC" -eq 1 ] && ok "receive, RLIMIT_MEMLOCK 64 KiB: exit 1" || bad "receive, RLIMIT_MEMLOCK 64 KiB: exit $RC (134 = abort, 124 = hung), expected 1: $(head -c 300 <<<"$MSG")"
says_what_to_do "$MSG" && ok "receive: the message says what to do" || bad "receive: no hint at RLIMIT_MEMLOCK in: $(head -c 300 <<<"$MSG")"

# Enough locked memory for one ring but not two: the two-core engine used to hang or abort (a
# core's ring was set up lazily, on another thread); the pool now sets every ring up first.
limited loop 2048 a "$pcp" selftest loopback --bytes 1048576 --json
if [ "$RC" -eq 0 ]; then
  ok "selftest loopback (2 cores), RLIMIT_MEMLOCK 2 MiB: worked"
elif [ "$RC" -eq 1 ] && says_what_to_do "$MSG"; then
  ok "selftest loopback (2 cores), RLIMIT_MEMLOCK 2 MiB: exit 1 with a hint"
else
  bad "selftest loopback (2 cores), RLIMIT_MEMLOCK 2 MiB: exit $RC (124 = hung, killed after 15 s): $(head -c 300 <<<"$MSG")"
fi

fault_summary
