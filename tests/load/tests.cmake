# SPDX-License-Identifier: MIT
# Load: `pcp node` under 1,000 concurrent connections from pcp_loadgen (bench/load), then
# max_connections + 50, in a fresh lo-only namespace. Correctness only: every handshake and ping,
# clean refusals over the limit, memory per connection and after-load RSS bounds, the node alive.
# No speed assertions; the figures go to docs/benchmarks.md. Needs the bench targets.
if(PCP_BUILD_BENCH AND NOT PCP_FUZZ)
  add_test(NAME load.node_1000
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/node_load_test.sh $<TARGET_FILE:pcp> $<TARGET_FILE:pcp_loadgen>)
  set_tests_properties(load.node_1000 PROPERTIES
    LABELS "load" SKIP_RETURN_CODE 77 TIMEOUT 120 RESOURCE_LOCK netns)
endif()
