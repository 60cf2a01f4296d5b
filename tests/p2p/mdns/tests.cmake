# SPDX-License-Identifier: MIT
pcp_test(mdns_wire_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp DEPS pcp_mdns)
pcp_test(mdns_machine_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp DEPS pcp_mdns)

# Sockets on UDP 5353 and multicast: only inside a fresh network namespace (netns.sh unshare sets
# lo multicast and the 224.0.0.0/4, ff00::/8 routes). Not discovered by gtest (that would run it in
# the host namespace); one ctest runs the whole binary. Skips (77) without namespaces unless
# PCP_REQUIRE_NETNS=1.
if(NOT PCP_FUZZ)
  add_executable(mdns_service_test ${CMAKE_CURRENT_LIST_DIR}/service_test.cpp)
  target_include_directories(mdns_service_test PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(mdns_service_test PRIVATE ${PCP_WARNINGS})
  target_link_libraries(mdns_service_test PRIVATE pcp_mdns_service GTest::gtest GTest::gtest_main)
  add_test(NAME mdns.service_netns
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/netns/netns.sh unshare -- $<TARGET_FILE:mdns_service_test>)
  set_tests_properties(mdns.service_netns PROPERTIES
    LABELS "integration"
    SKIP_RETURN_CODE 77
    TIMEOUT 60)
endif()

# The mDNS service as a CLI, for the js-libp2p interop test (tests/interop/js/mdns_interop.sh).
if(NOT PCP_FUZZ)
  add_executable(pcp_mdns_tool ${CMAKE_CURRENT_LIST_DIR}/mdns_tool.cpp)
  target_include_directories(pcp_mdns_tool PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(pcp_mdns_tool PRIVATE ${PCP_WARNINGS})
  target_link_libraries(pcp_mdns_tool PRIVATE pcp_mdns_service nlohmann_json::nlohmann_json)
  set_target_properties(pcp_mdns_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
endif()
