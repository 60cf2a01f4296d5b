#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcp send and pcp receive as an unprivileged user (nobody, 65534, no supplementary groups, via
# setpriv), with the inherited RLIMIT_MEMLOCK (low limits: low_memlock.sh), on the two-namespace
# LAN. Checks:
#   - both processes really run as uid 65534;
#   - a tree (a 32 MiB file, small files, a nested directory) arrives byte-identical, with the
#     sender's modes, owned by nobody; both exit 0; no temporary file.
# Root is needed only to build the namespaces and to drop to nobody.
# Usage: non_root.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" jq setpriv

uid=65534
as_nobody=(setpriv "--reuid=$uid" "--regid=$uid" --clear-groups)
# nobody must be able to reach the binary; a build tree below a private home would not do
setpriv --reuid=$uid --regid=$uid --clear-groups test -x "$pcp" || netns_skip "uid $uid cannot execute $pcp"

mkdir -p "$work/src/tree/sub/deeper" "$work/out"
head -c $((32 << 20)) /dev/urandom >"$work/src/tree/big.bin"
for i in 1 2 3; do head -c $((i * 1000)) /dev/urandom >"$work/src/tree/sub/f$i.txt"; done
echo x >"$work/src/tree/sub/deeper/x"
chmod 0640 "$work/src/tree/big.bin"
chmod 0750 "$work/src/tree/sub"
chown -R $uid:$uid "$work/src" "$work/out"

fault_send nr "${as_nobody[@]}" -- "$work/src/tree" || { bad "sender printed no code"; fault_show nr; exit 1; }
suid=$(awk '/^Uid:/ { print $2 }' "/proc/$SPID/status" 2>/dev/null)
fault_recv nr "${as_nobody[@]}" -- -o "$work/out" "$CODE"
for _ in $(seq 1 50); do
  ruid=$(awk '/^Uid:/ { print $2 }' "/proc/$RPID/status" 2>/dev/null)
  [ "$ruid" = "$uid" ] && break
  sleep 0.05
done
[ "$suid" = "$uid" ] && [ "$ruid" = "$uid" ] && ok "sender and receiver run as uid $uid" ||
  bad "sender uid '$suid', receiver uid '$ruid', expected $uid"
fault_wait "$RPID" 60; rrc=$?
fault_wait "$SPID" 30; src=$?
[ "$rrc" -eq 0 ] && [ "$src" -eq 0 ] && ok "as nobody (RLIMIT_MEMLOCK $(ulimit -l) KiB): both exit 0" ||
  { bad "as nobody: receiver exit $rrc, sender exit $src"; fault_show nr; }
manifest() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %s %T@\n' | LC_ALL=C sort); }
diff -r "$work/src/tree" "$work/out/tree" >/dev/null && [ "$(manifest "$work/src/tree")" = "$(manifest "$work/out/tree")" ] &&
  ok "the tree is byte-identical, with modes, sizes and mtimes" || bad "the received tree differs"
others=$(find "$work/out" ! -uid $uid | head -n 3)
[ -z "$others" ] && ok "everything received is owned by uid $uid" || bad "not owned by $uid: $others"
[ -z "$(fault_parts "$work/out")" ] && ok "no temporary file" || bad "temporary file left"

fault_summary
