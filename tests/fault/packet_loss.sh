#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault: random packet loss (nftables numgen) during a 64 MiB transfer, from the sender's start
# (discovery, handshakes and data all suffer). Loss is applied on the *input* side of each end:
# a drop in a sender's output hook is not network loss (TCP gets EPERM and resends at once).
#   1. 5 % each way: both exit 0, byte-identical;
#   2. 10 % of the data packets (acks intact): both exit 0, byte-identical;
#   3. 20 % of the data packets: TCP's retransmission back-off can leave the link silent for
#      longer than yamux's keepalive allows (3 lost retransmissions in a row at an RTO of ~1 s on
#      a loaded machine are 15 s), so completion is not required: the run ends within 90 s either
#      byte-identical with exit 0, or with exit 6 on both sides, a message naming the keepalive
#      timeout and no final file. Which one happened is printed (CI saw both);
#   4. with --heavy only (it takes 40-70 s): 20 % each way, judged as 3 (plain TCP moved between
#      0.6 and 53 MB in 30 s here).
# Every case: no temporary file left, and the sender's TCP really retransmitted.
# Usage: packet_loss.sh PCP_BINARY [--heavy]      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
heavy=${2:-}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" nft jq

head -c $((64 << 20)) /dev/urandom >"$work/data.bin"

# lossy NAME TO_SENDER% TO_RECEIVER% MUST_COMPLETE(1|0)
lossy() {
  local name="$1" up="$2" down="$3" must="$4" what="$2 % to the sender, $3 % to the receiver"
  local out="$work/out-$name" rrc src secs retrans0 retrans
  mkdir -p "$out"
  fault_send "$name" -- "$work/data.bin" || { bad "$what: sender printed no code"; fault_show "$name"; return; }
  netns_loss a "$up" eth0 in
  netns_loss b "$down" eth0 in
  retrans0=$(fault_retrans a)
  local t0; t0=$(fault_now)
  fault_recv "$name" -- -o "$out" "$CODE"
  fault_wait "$RPID" 90; rrc=$?
  fault_wait "$SPID" 30; src=$?
  secs=$(fault_secs "$t0")
  netns_loss a 0
  netns_loss b 0
  retrans=$(($(fault_retrans a) - retrans0))
  [ "$retrans" -gt 0 ] && ok "$what: the sender's TCP retransmitted $retrans segments" ||
    bad "$what: no retransmission, so no loss was applied"
  if [ "$rrc" -eq 0 ] && [ "$src" -eq 0 ]; then
    ok "$what: both exit 0 after $secs s"
    cmp -s "$work/data.bin" "$out/data.bin" && ok "$what: 64 MiB byte-identical" || bad "$what: the file differs or is missing"
  elif [ "$must" = 0 ] && [ "$rrc" -eq 6 ] && [ "$src" -eq 6 ] && { fault_error "$work/$name.recv.out"; fault_error "$work/$name.send.out"; } | grep -q "keepalive timeout"; then
    ok "$what: gave up cleanly, both exit 6 after $secs s (receiver: $(fault_error "$work/$name.recv.out"); sender: $(fault_error "$work/$name.send.out"))"
    [ ! -e "$out/data.bin" ] && ok "$what: no final file" || bad "$what: a final file was left"
  else
    bad "$what: receiver exit $rrc, sender exit $src after $secs s"; fault_show "$name"
  fi
  [ -z "$(fault_parts "$out")" ] && ok "$what: no temporary file" || bad "$what: temporary file left"
}

lossy each5 5 5 1
lossy data10 0 10 1
lossy data20 0 20 0
[ "$heavy" = --heavy ] && lossy each20 20 20 0

fault_summary
