#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# stage.sh NAME CMD...: run one stage of a make target, print how long it took, keep its exit code.
name="$1"; shift
start=$(date +%s.%N)
echo "==> ${name}"
"$@"
rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "==> ${name}: ${secs} s (exit ${rc})"
echo "${name}	${secs}	${rc}" >> "${PCP_STAGE_LOG:-/dev/null}"
exit $rc
