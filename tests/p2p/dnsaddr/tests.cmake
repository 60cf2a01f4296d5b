# SPDX-License-Identifier: MIT
pcp_test(dnsaddr_wire_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp DEPS pcp_dnsaddr)
pcp_test(dnsaddr_machine_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp DEPS pcp_dnsaddr)

# resolve / resolve_all through c-ares against tests/tools/dns_server.py, in a fresh network namespace.
include(${PROJECT_SOURCE_DIR}/tests/transport/dns/netns_test.cmake)
if(NOT PCP_FUZZ AND TARGET pcp_dnsaddr_service)
  pcp_dns_netns_test(dnsaddr_service_test TEST dnsaddr.service_netns
    SOURCE ${CMAKE_CURRENT_LIST_DIR}/service_test.cpp DEPS pcp_dnsaddr_service)
endif()
