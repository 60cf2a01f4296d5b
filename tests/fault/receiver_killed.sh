#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault: the receiver is killed (SIGKILL) in the middle of a multi-file tree, then a new sender
# with the same code (--code) offers the same tree into the same output directory. Checks:
#   - the sender of the interrupted run exits 6 (transfer interrupted);
#   - files completed before the kill are intact, the file in flight has no final name, and
#     whatever temporary file the killed receiver left is a recognisable `.pcp-<hex>.part`;
#   - the second run refuses the existing files (docs/cli.md: never a silent overwrite):
#     receiver exit 1 listing the conflicts, sender exit 5, nothing in the directory changes;
#   - a third run with --overwrite completes: every file byte-identical; the stale `.part` file
#     is ignored (neither a conflict nor an error) and stays where it was; directories the killed
#     run created keep mode 0700 (docs/cli.md).
# Usage: receiver_killed.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" nft jq

nfiles=6
mkdir -p "$work/src/tree/sub"
for i in $(seq 1 $nfiles); do
  d="$work/src/tree"; [ $((i % 2)) -eq 0 ] && d="$work/src/tree/sub"
  head -c $((4 << 20)) /dev/urandom >"$d/f$i.bin"
done
out="$work/out"
mkdir -p "$out"
snapshot() { (cd "$out" && find . -printf '%P %y %s %T@\n' | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }

# ---- run 1: receiver killed after two files are complete
fault_rate a on 8
phrase="abandon ability able about"
fault_send r1 -- --code "$phrase" "$work/src/tree" || { bad "sender 1 printed no code"; fault_show r1; exit 1; }
fault_recv r1 -- -o "$out" "$CODE"
fault_wait_count "$work/r1.recv.out" '"event":"file_done"' 2 30
kill -KILL "$RPID" 2>/dev/null
fault_wait "$RPID" 10
t0=$(fault_now)
fault_wait "$SPID" 60; src=$?
fault_rate a off
done_files=$(fault_events "$work/r1.recv.out" 'select(.event == "file_done") | .path')
ndone=$(grep -c . <<<"$done_files")
[ "$ndone" -ge 1 ] && [ "$ndone" -lt "$nfiles" ] && ok "receiver killed mid-tree after $ndone of $nfiles files" ||
  bad "the kill did not land mid-transfer ($ndone of $nfiles files were done)"
[ "$src" -eq 6 ] && ok "sender of the interrupted run: exit 6 after $(fault_secs "$t0") s ($(fault_error "$work/r1.send.out"))" ||
  { bad "sender of the interrupted run: exit $src, expected 6"; fault_show r1; }

intact=1
while read -r p; do
  [ -n "$p" ] || continue
  cmp -s "$work/src/$p" "$out/$p" || { intact=0; echo "  $p differs or is missing"; }
done <<<"$done_files"
[ "$intact" = 1 ] && ok "the $ndone files completed before the kill are intact" || bad "a completed file was damaged"
finals=$( (cd "$out" && find . -type f ! -name '.pcp-*.part' -printf '%P\n') | LC_ALL=C sort)
if [ "$finals" = "$(LC_ALL=C sort <<<"$done_files")" ]; then
  ok "no final name for any file that was not complete"
else
  bad "final names after the kill: $(echo $finals) (complete: $(echo $done_files))"
fi
parts=$(fault_parts "$out")
nparts=$(grep -c . <<<"$parts")
if [ "$nparts" -le 1 ] && { [ "$nparts" -eq 0 ] || grep -Eq '/\.pcp-[0-9a-f]{16}\.part$' <<<"$parts"; }; then
  ok "leftover of the killed receiver: $nparts temporary file(s), named .pcp-<16 hex>.part ($(basename -a $parts 2>/dev/null | tr '\n' ' '))"
else
  bad "unexpected leftovers: $parts"
fi
before=$(snapshot)

# ---- run 2: same code, same tree, same directory, no --overwrite: refused, nothing changes
fault_send r2 -- --code "$phrase" "$work/src/tree" || { bad "sender 2 printed no code"; fault_show r2; exit 1; }
fault_recv r2 -- -o "$out" "$CODE"
fault_wait "$RPID" 60; rrc=$?
fault_wait "$SPID" 30; src=$?
conflicts=$(fault_events "$work/r2.recv.out" 'select(.event == "offer") | .conflict_count')
[ "$rrc" -eq 1 ] && [ "$src" -eq 5 ] && ok "second run without --overwrite: receiver exit 1, sender exit 5" ||
  { bad "second run: receiver exit $rrc (expected 1), sender exit $src (expected 5)"; fault_show r2; }
[ "$conflicts" = "$ndone" ] && ok "the receiver listed the $ndone existing files as conflicts" ||
  bad "conflict_count '$conflicts', expected $ndone"
[ "$(snapshot)" = "$before" ] && ok "the refused run changed nothing in the output directory" ||
  bad "the refused run changed the output directory"

# ---- run 3: --overwrite completes; the stale temporary file is ignored
fault_send r3 -- --code "$phrase" "$work/src/tree" || { bad "sender 3 printed no code"; fault_show r3; exit 1; }
fault_recv r3 -- --overwrite -o "$out" "$CODE"
fault_wait "$RPID" 60; rrc=$?
fault_wait "$SPID" 30; src=$?
[ "$rrc" -eq 0 ] && [ "$src" -eq 0 ] && ok "third run with --overwrite: both exit 0" ||
  { bad "third run: receiver exit $rrc, sender exit $src"; fault_show r3; }
diff -r -x '.pcp-*.part' "$work/src/tree" "$out/tree" >/dev/null && ok "the whole tree is byte-identical after the rerun" ||
  bad "the tree differs after the rerun"
[ "$(fault_parts "$out")" = "$parts" ] && ok "the stale temporary file was ignored and left as it was (no new ones)" ||
  bad "temporary files after the rerun: $(fault_parts "$out" | tr '\n' ' ') (before: $parts)"
# docs/cli.md: directories made by the killed run keep mode 0700 (their modes are applied at the
# end of a run, and a later run leaves existing directories alone). `tree` is always made first.
mode=$(stat -c %a "$out/tree")
[ "$mode" = 700 ] && ok "the directory created by the killed run kept mode 0700, as documented" ||
  bad "mode of tree/ after the rerun: $mode (docs/cli.md says 0700)"

fault_summary
