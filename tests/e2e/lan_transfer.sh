#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end on a real (virtual) LAN: two network namespaces on a bridge in a third, with real
# multicast; `pcp send` in one, `pcp receive` in the other, discovery by mDNS only. Checks:
#   1. a 256 MiB file and a tree of 10,000 small files (empty dir, empty file, unicode names,
#      modes, mtimes) arrive byte-identical with modes and mtimes;
#   2. a wrong code fails with exit 4 on both sides (sender --attempts 1) and writes nothing;
#   3. --code with a custom phrase works;
#   4. a receiver that says no gives the sender exit 5 (and writes nothing);
#   5. a sender killed mid-transfer gives the receiver exit 6 and no final file.
# Usage: lan_transfer.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip (no namespaces, not in CI).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pcp=$(realpath "$1")
. "$here/../netns/netns.sh"
netns_require nft

work=$(mktemp -d /tmp/pcp-e2e.XXXXXX)
netns_defer "rm -rf $work"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }

netns_lan 10.231.0 fd31 || { bad "the two namespaces cannot reach each other"; exit 1; }

# ---- data: one 256 MiB file and a tree of 10,000 small files
python3 - "$work/src" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(42)
os.makedirs(f"{root}/tree/empty-dir")
open(f"{root}/tree/empty-file", "w").close()
with open(f"{root}/big.bin", "wb") as f:
    for _ in range(256):
        f.write(random.randbytes(1 << 20))
os.chmod(f"{root}/big.bin", 0o640)
for d in range(100):
    p = f"{root}/tree/d{d:03}/ünïcødé-{d}" if d % 10 == 0 else f"{root}/tree/d{d:03}"
    os.makedirs(p, exist_ok=True)
    for i in range(100):
        fn = f"{p}/f{i:03}-{'名前' if i % 17 == 0 else 'x'}.txt"
        with open(fn, "wb") as f:
            f.write(random.randbytes(random.randint(1, 8192)))
        os.chmod(fn, 0o600 if i % 3 else 0o755)
        os.utime(fn, ns=(1_600_000_000_000_000_000 + i * 1_000_003, 1_600_000_000_000_000_000 + d * 7_000_000_001 + i))
PY
nfiles=$(find "$work/src/tree" -type f | wc -l)
[ "$nfiles" -eq 10001 ] || bad "generator made $nfiles files"

manifest() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %s %T@\n' | LC_ALL=C sort); }

# start_send NAME ARGS... : sender in namespace a; sets SPID and CODE (from the JSON code event)
start_send() {
  local name="$1"; shift
  netns_bg a "$pcp" send --json "$@" >"$work/$name.send.out" 2>"$work/$name.send.err"
  SPID=$NETNS_BG_PID
  CODE=""
  for _ in $(seq 1 100); do
    CODE=$(grep -m1 '"event":"code"' "$work/$name.send.out" 2>/dev/null | jq -r .words)
    [ -n "$CODE" ] && break
    sleep 0.1
  done
  [ -n "$CODE" ]
}

# ---- 1. big file + 10,000-file tree
mkdir -p "$work/out1"
start_send t1 "$work/src/big.bin" "$work/src/tree" || bad "sender printed no code"
t0=$(date +%s.%N)
netns_exec b timeout 300 "$pcp" receive --json -y -o "$work/out1" "$CODE" >"$work/t1.recv.out" 2>"$work/t1.recv.err"
rrc=$?
t1=$(date +%s.%N)
wait "$SPID"; src=$?
if [ "$rrc" -eq 0 ] && [ "$src" -eq 0 ]; then
  ok "256 MiB file + 10,000 files: both exit 0 ($(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s)"
else
  bad "transfer 1: receiver exit $rrc, sender exit $src"; tail -n 3 "$work/t1.recv.err" "$work/t1.send.err" "$work/t1.recv.out"
fi
if diff -r "$work/src" "$work/out1" >/dev/null && [ "$(manifest "$work/src")" = "$(manifest "$work/out1")" ]; then
  ok "trees are byte-identical, with the same modes, sizes and mtimes"
else
  bad "received tree differs"; diff <(manifest "$work/src") <(manifest "$work/out1") | head -5
fi
grep -q '"event":"peer_found".*/ip[46]/\(10\.231\|fd31\)' "$work/t1.recv.out" && ok "found the sender over the LAN by mDNS" || bad "peer_found event missing"
ls -a "$work/out1" | grep -q '\.pcp-.*\.part' && bad "temporary files left behind" || ok "no temporary files left"

# ---- 2. wrong code: exit 4 on both sides, nothing written
mkdir -p "$work/out2"
start_send t2 --attempts 1 "$work/src/tree/empty-file" || bad "sender 2 printed no code"
wrong=$(awk -F- '{ $NF = ($NF == "abandon" ? "ability" : "abandon"); print }' OFS=- <<<"$CODE")
netns_exec b timeout 60 "$pcp" receive --json -y -o "$work/out2" "$wrong" >"$work/t2.recv.out" 2>"$work/t2.recv.err"
rrc=$?
wait "$SPID"; src=$?
[ "$rrc" -eq 4 ] && [ "$src" -eq 4 ] && ok "wrong code: receiver exit 4, sender exit 4 (code burned)" ||
  { bad "wrong code: receiver exit $rrc, sender exit $src"; tail -n 3 "$work/t2.recv.out" "$work/t2.send.out"; }
[ -z "$(ls -A "$work/out2")" ] && ok "wrong code wrote nothing" || bad "wrong code wrote files"

# ---- 3. --code with a custom phrase
mkdir -p "$work/out3"
start_send t3 --code "Abandon Ability Able About" "$work/src/tree/d001/f001-x.txt" || bad "sender 3 printed no code"
PCP_WORDS="abandon-ability-able-about" netns_exec b env PCP_WORDS="abandon ability able about" \
  timeout 60 "$pcp" receive --json -y -o "$work/out3" >"$work/t3.recv.out" 2>"$work/t3.recv.err"
rrc=$?
wait "$SPID"; src=$?
[ "$rrc" -eq 0 ] && [ "$src" -eq 0 ] && cmp -s "$work/src/tree/d001/f001-x.txt" "$work/out3/f001-x.txt" &&
  ok "--code custom phrase (and PCP_WORDS with spaces) works" || bad "custom code: receiver $rrc sender $src"

# ---- 4. the receiver says no: sender exit 5
mkdir -p "$work/out4"
start_send t4 "$work/src/tree/d002" || bad "sender 4 printed no code"
echo n | netns_exec b timeout 60 "$pcp" receive --json -o "$work/out4" "$CODE" >"$work/t4.recv.out" 2>"$work/t4.recv.err"
rrc=$?
wait "$SPID"; src=$?
[ "$src" -eq 5 ] && ok "receiver said no: sender exit 5 (receiver exit $rrc)" || { bad "decline: sender exit $src receiver $rrc"; tail -n 3 "$work/t4.send.out"; }
[ -z "$(ls -A "$work/out4")" ] && ok "declined transfer wrote nothing" || bad "declined transfer wrote files"

# ---- 5. the sender disappears mid-transfer: receiver exit 6, no final file
mkdir -p "$work/out5"
netns_exec a nft add table inet pcp_rate
netns_exec a nft add chain inet pcp_rate out '{ type filter hook output priority 0; }'
netns_exec a nft add rule inet pcp_rate out oifname eth0 tcp sport != 0 limit rate over 20 mbytes/second drop
start_send t5 "$work/src/big.bin" || bad "sender 5 printed no code"
netns_bg b timeout 120 "$pcp" receive --json -y -o "$work/out5" "$CODE" >"$work/t5.recv.out" 2>"$work/t5.recv.err"
RPID=$NETNS_BG_PID
for _ in $(seq 1 200); do grep -q '"event":"progress"' "$work/t5.send.out" 2>/dev/null && break; sleep 0.05; done
sleep 0.5
kill -KILL "$SPID" 2>/dev/null
wait "$RPID"; rrc=$?
netns_exec a nft delete table inet pcp_rate
[ "$rrc" -eq 6 ] && ok "sender killed mid-transfer: receiver exit 6" || bad "sender killed: receiver exit $rrc"
if [ ! -e "$work/out5/big.bin" ] && ! ls -A "$work/out5" | grep -q .; then
  ok "no final or temporary file after the interruption"
else
  bad "interrupted transfer left: $(ls -A "$work/out5")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
