# SPDX-License-Identifier: MIT
# Network-namespace library self-test (needs root, iproute2, nftables; skips with 77 otherwise,
# fails instead when PCP_REQUIRE_NETNS=1).
add_test(NAME netns.selftest COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/selftest.sh)
set_tests_properties(netns.selftest PROPERTIES
  LABELS "integration"
  SKIP_RETURN_CODE 77
  TIMEOUT 120
  RESOURCE_LOCK netns)
