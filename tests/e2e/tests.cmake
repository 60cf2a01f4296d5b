# SPDX-License-Identifier: MIT
# End to end: the pcp binary in network namespaces the test creates (tests/e2e/*.sh).
if(NOT PCP_FUZZ)
  add_test(NAME e2e.lan_transfer COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/lan_transfer.sh $<TARGET_FILE:pcp>)
  set_tests_properties(e2e.lan_transfer PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 600 RESOURCE_LOCK netns)
endif()
if(NOT PCP_FUZZ)
  add_test(NAME e2e.dht_transfer COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/dht_transfer.sh $<TARGET_FILE:pcp>)
  set_tests_properties(e2e.dht_transfer PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 300 RESOURCE_LOCK netns)
endif()
