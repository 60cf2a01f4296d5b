# SPDX-License-Identifier: MIT
# js <-> js self-test of the pinned js-libp2p 2.9.0 interop harness. setup.sh runs `npm ci`
# (registry only) into the build tree; every libp2p node runs in a lo-only network namespace.
# Skips (77) when node/npm are missing unless PCP_REQUIRE_INTEROP=1, or when namespaces are
# unavailable unless PCP_REQUIRE_NETNS=1.
add_test(NAME interop.js_selftest
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/selftest.sh ${PROJECT_BINARY_DIR}/interop-js)
set_tests_properties(interop.js_selftest PROPERTIES
  LABELS "interop"
  SKIP_RETURN_CODE 77
  TIMEOUT 300)

# js-only self-test of the kad-dht harness (kad_net.mjs: 5 js-libp2p nodes with
# @libp2p/kad-dht 15.1.11 form a DHT in a lo-only namespace; provide on node 0, find on node 4).
# Same skips as interop.js_selftest, plus jq missing.
add_test(NAME interop.kad_js_selftest
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/kad_selftest.sh ${PROJECT_BINARY_DIR}/interop-js)
set_tests_properties(interop.kad_js_selftest PROPERTIES
  LABELS "interop"
  SKIP_RETURN_CODE 77
  TIMEOUT 300)

# pcp <-> js-libp2p in both directions (tests/interop/js/pcp_interop.sh).
if(NOT PCP_FUZZ)
  add_test(NAME interop.pcp_js
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pcp_interop.sh $<TARGET_FILE:pcp> $<TARGET_FILE:pcp_testpeer>
            ${PROJECT_BINARY_DIR}/interop-js)
  set_tests_properties(interop.pcp_js PROPERTIES
    LABELS "interop"
    SKIP_RETURN_CODE 77
    TIMEOUT 300)
endif()

# pcp mDNS <-> js-libp2p @libp2p/mdns, both directions (tests/interop/js/mdns_interop.sh).
if(NOT PCP_FUZZ)
  add_test(NAME interop.mdns_js
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/mdns_interop.sh $<TARGET_FILE:pcp> $<TARGET_FILE:pcp_testpeer>
            $<TARGET_FILE:pcp_mdns_tool> ${PROJECT_BINARY_DIR}/interop-js)
  set_tests_properties(interop.mdns_js PROPERTIES
    LABELS "interop"
    SKIP_RETURN_CODE 77
    TIMEOUT 180)
endif()

# pcp <-> js-libp2p kad-dht (tests/interop/js/kad_interop.sh): two `pcp node --dht-server` join a
# private DHT of 5 js nodes; provide/find-providers and find-peer in both directions; a CID nobody
# provides ends with exit 3. Same skips as interop.kad_js_selftest.
if(NOT PCP_FUZZ)
  add_test(NAME interop.kad_pcp
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/kad_interop.sh $<TARGET_FILE:pcp> ${PROJECT_BINARY_DIR}/interop-js)
  set_tests_properties(interop.kad_pcp PROPERTIES
    LABELS "interop"
    SKIP_RETURN_CODE 77
    RESOURCE_LOCK netns
    TIMEOUT 300)
endif()
