# SPDX-License-Identifier: MIT
# The c-ares resolver against tests/tools/dns_server.py, in a fresh network namespace.
include(${CMAKE_CURRENT_LIST_DIR}/netns_test.cmake)
if(NOT PCP_FUZZ AND TARGET pcp_dns)
  pcp_dns_netns_test(dns_resolver_test TEST dns.resolver_netns
    SOURCE ${CMAKE_CURRENT_LIST_DIR}/resolver_test.cpp DEPS pcp_dns)
endif()
