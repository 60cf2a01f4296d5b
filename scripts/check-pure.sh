#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a pure (sans-I/O) source includes Asio, liburing or the engine's Asio headers.
# Usage: check-pure.sh FILE_LIST   (one path per line, written by CMake)
set -euo pipefail
list="$1"
bad=0
n=0
while IFS= read -r f; do
  [ -z "$f" ] && continue
  n=$((n + 1))
  if grep -nE '^\s*#\s*include\s*[<"](boost/asio|liburing|engine/(asio|task|core_pool|cancel|signals|notify|uring_probe)\.hpp|transport/|p2p/[a-z_]+/service\.hpp|p2p/host/)' "$f"; then
    echo "check-pure: $f is pure but includes Asio, liburing or I/O code" >&2
    bad=1
  fi
done < "$list"
if [ "$n" -eq 0 ]; then
  echo "check-pure: no pure sources listed" >&2
  exit 1
fi
echo "check-pure: $n pure files checked"
exit $bad
