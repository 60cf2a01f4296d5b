#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault: the link between sender and receiver is cut mid-transfer (nftables drops every packet
# on the sender's interface, both directions). Checks:
#   A. a 5 s cut, then the link comes back: TCP retransmits, yamux keepalive (30 s period, 20 s
#      ping timeout) does not fire, the transfer completes byte-identical, both exit 0;
#   B. a cut that lasts: both sides give up with exit 6 (transfer interrupted) within 75 s (yamux
#      keepalive: at most 30 s to the next ping + 20 s of silence after it), the receiver leaves no
#      final and no temporary file. The measured times are printed.
# Usage: link_cut.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" nft jq

head -c $((32 << 20)) /dev/urandom >"$work/data.bin"
fault_rate a on 8

# ---- A. a 5 s cut
mkdir -p "$work/outA"
fault_send A -- "$work/data.bin" || { bad "sender A printed no code"; fault_show A; exit 1; }
t0=$(fault_now)
fault_recv A -- -o "$work/outA" "$CODE"
if fault_wait_bytes "$work/A.recv.out" $((4 << 20)) 30; then
  netns_block a on eth0
  sleep 5
  netns_block a off
else
  bad "A: no progress before the cut"; fault_show A
fi
fault_wait "$RPID" 90; rrc=$?
fault_wait "$SPID" 30; src=$?
secs=$(fault_secs "$t0")
[ "$rrc" -eq 0 ] && [ "$src" -eq 0 ] && ok "A: 5 s cut mid-transfer: the transfer resumed, both exit 0 (total $secs s)" ||
  { bad "A: receiver exit $rrc, sender exit $src after a 5 s cut"; fault_show A; }
cmp -s "$work/data.bin" "$work/outA/data.bin" && ok "A: the file is byte-identical" || bad "A: the file differs or is missing"
[ -z "$(fault_parts "$work/outA")" ] && ok "A: no temporary file" || bad "A: temporary file left"

# ---- B. a cut that lasts
mkdir -p "$work/outB"
fault_send B -- "$work/data.bin" || { bad "sender B printed no code"; fault_show B; exit 1; }
fault_recv B -- -o "$work/outB" "$CODE"
fault_wait_bytes "$work/B.recv.out" $((4 << 20)) 30 || { bad "B: no progress before the cut"; fault_show B; }
netns_block a on eth0
t0=$(fault_now)
fault_wait "$RPID" 75; rrc=$?
rsecs=$(fault_secs "$t0")
fault_wait "$SPID" 30; src=$?
ssecs=$(fault_secs "$t0")
netns_block a off
[ "$rrc" -eq 6 ] && ok "B: lasting cut: receiver exit 6 after $rsecs s ($(fault_error "$work/B.recv.out"))" ||
  { bad "B: receiver exit $rrc after $rsecs s (expected 6; 124 = still running after 75 s)"; fault_show B; }
[ "$src" -eq 6 ] && ok "B: lasting cut: sender exit 6 after $ssecs s ($(fault_error "$work/B.send.out"))" ||
  { bad "B: sender exit $src after $ssecs s (expected 6; 124 = still running)"; fault_show B; }
[ -z "$(ls -A "$work/outB")" ] && ok "B: no final and no temporary file" || bad "B: left $(ls -A "$work/outB")"

fault_summary
