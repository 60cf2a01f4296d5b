#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault: the sender's source file changes while it is being sent (64 MiB, egress policed to
# 16 MB/s so the change lands mid-file). Checks (docs/cli.md: "a source changed while being
# sent" is exit 1 for the sender; the receiver sees the sender abort: exit 6):
#   1. truncated to 1 MiB: sender exit 1 saying it shrank, receiver exit 6;
#   2. rewritten in place (same size; its first and last MiB replaced, so what was read is
#      neither the old nor the new file): sender exit 1, receiver exit 6;
# and in both cases the receiver keeps no final file and no temporary file.
# Usage: source_changed.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" nft jq
fault_rate a on 16

# change NAME DESCRIPTION SHELL_CMD_ON_$f
change() {
  local name="$1" what="$2" cmd="$3" f="$work/$1/data.bin" out="$work/out-$1" rrc src
  mkdir -p "$work/$name" "$out"
  head -c $((64 << 20)) /dev/urandom >"$f"
  fault_send "$name" -- "$f" || { bad "$what: sender printed no code"; fault_show "$name"; return; }
  fault_recv "$name" -- -o "$out" "$CODE"
  if fault_wait_bytes "$work/$name.send.out" $((8 << 20)) 30; then
    f="$f" bash -c "$cmd"
  else
    bad "$what: no progress"; fault_show "$name"
  fi
  fault_wait "$RPID" 60; rrc=$?
  fault_wait "$SPID" 30; src=$?
  [ "$src" -eq 1 ] && ok "$what: sender exit 1 ($(fault_error "$work/$name.send.out"))" ||
    { bad "$what: sender exit $src, expected 1"; fault_show "$name"; }
  [ "$rrc" -eq 6 ] && ok "$what: receiver exit 6 ($(fault_error "$work/$name.recv.out"))" ||
    { bad "$what: receiver exit $rrc, expected 6"; fault_show "$name"; }
  if [ -e "$out/data.bin" ]; then
    cmp -s "$f" "$out/data.bin" && bad "$what: the receiver kept a final file (equal to the changed source)" ||
      bad "$what: the receiver kept a final file that is not the sender's file"
  else
    ok "$what: no final file"
  fi
  [ -z "$(fault_parts "$out")" ] && ok "$what: no temporary file" || bad "$what: temporary file left"
}

change shrink "truncated mid-transfer" 'truncate -s 1M "$f"'
change rewrite "rewritten in place mid-transfer" \
  'head -c 1M /dev/urandom | dd of="$f" conv=notrunc status=none &&
   head -c 1M /dev/urandom | dd of="$f" bs=1M seek=63 conv=notrunc status=none'

fault_summary
