#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault: the receiver's disk fills up. The output directory is a 16 MiB tmpfs mounted in a
# private mount namespace inside the receiver's network namespace; the sender offers a 1 MiB
# file, then a 32 MiB one (PATH order is send order). Checks (docs/cli.md exit codes):
#   - receiver exit 1 (local I/O error) with a "No space left on device" message;
#   - sender exit 6 (the peer aborted) with the receiver's reason;
#   - the 1 MiB file, complete before the disk filled, is kept intact; the 32 MiB file has no
#     final name and its temporary file was removed.
# Usage: disk_full.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" jq unshare

head -c $((1 << 20)) /dev/urandom >"$work/small.bin"
head -c $((32 << 20)) /dev/urandom >"$work/big.bin"
mkdir -p "$work/out"
fault_send d -- "$work/small.bin" "$work/big.bin" || { bad "sender printed no code"; fault_show d; exit 1; }
fault_recv_mounted d "$work/out" 'mount -t tmpfs -o size=16m,mode=0755 pcp-fault "$1"' -- -o "$work/out" "$CODE"
fault_wait "$RPID" 60; rrc=$?
fault_wait "$SPID" 30; src=$?
rmsg=$(fault_error "$work/d.recv.out")
smsg=$(fault_error "$work/d.send.out")
[ "$rrc" -eq 1 ] && ok "disk full: receiver exit 1" || { bad "disk full: receiver exit $rrc, expected 1"; fault_show d; }
grep -q "No space left on device" <<<"$rmsg" && ok "receiver says: $rmsg" || bad "receiver message lacks 'No space left on device': $rmsg"
[ "$src" -eq 6 ] && ok "disk full: sender exit 6 ($smsg)" || { bad "disk full: sender exit $src, expected 6"; fault_show d; }
grep -qi "space" <<<"$smsg" && ok "the sender's message gives the receiver's reason" || bad "the sender's message does not say why: $smsg"
listing=$(cat "$work/d.listing" 2>/dev/null)
[ "$listing" = "small.bin $((1 << 20))" ] && ok "only the completed 1 MiB file is in the output directory" ||
  bad "output directory after the failure: $(echo $listing)"
# The mount is gone; what small.bin held was checked through the hash the receiver acknowledged:
# the sender reports file_done only for a file whose SHA-256 matched.
fault_events "$work/d.send.out" 'select(.event == "file_done") | .path' | grep -qx small.bin &&
  ok "the completed file was confirmed by its SHA-256 before the failure" || bad "small.bin was not confirmed"

fault_summary
