# SPDX-License-Identifier: MIT
# Outer (host-namespace) half shared by the js interop test scripts; source it. Nothing here
# starts a libp2p node: it checks the tools, then runs setup.sh (npm ci, registry only).

# harness_skip NAME MESSAGE -> exit 77 (skip), or 1 when PCP_REQUIRE_INTEROP=1
harness_skip() {
  if [ "${PCP_REQUIRE_INTEROP:-0}" = "1" ]; then
    echo "$1: FAIL (PCP_REQUIRE_INTEROP=1): $2" >&2
    exit 1
  fi
  echo "$1: SKIP: $2" >&2
  exit 77
}

# harness_prepare NAME DIR TOOL... -> every TOOL on PATH (else harness_skip), then setup.sh DIR
# (DIR may be empty: setup.sh's default). Sets JS_DIR (the harness copy next to node_modules);
# exits with setup.sh's status when it fails.
harness_prepare() {
  local name="$1" dir="$2" tool out rc t0
  shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || harness_skip "$name" "$tool not found"
  done
  t0=$(date +%s)
  out=$(bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh" ${dir:+"$dir"})
  rc=$?
  [ "$rc" -eq 0 ] || exit "$rc"
  JS_DIR=$(printf '%s\n' "$out" | sed -n 's/^PCP_INTEROP_JS_DIR=//p' | tail -1)
  echo "# setup.sh took $(($(date +%s) - t0)) s ($JS_DIR)"
}

# harness_run_inner NAME SCRIPT SECONDS [ARG...] -> runs `bash SCRIPT --inner $JS_DIR ARG...` in
# a fresh lo-only network namespace (netns.sh: skips 77 when namespaces are unavailable, unless
# PCP_REQUIRE_NETNS=1) under `timeout SECONDS`, and exits with its status.
harness_run_inner() {
  local name="$1" script="$2" secs="$3" t1 rc
  shift 3
  t1=$(date +%s)
  . "$(dirname "${BASH_SOURCE[0]}")/../../netns/netns.sh"
  netns_unshare timeout -k 5 "$secs" bash "$script" --inner "$JS_DIR" "$@"
  rc=$?
  echo "# $name (in namespace) took $(($(date +%s) - t1)) s"
  exit "$rc"
}
