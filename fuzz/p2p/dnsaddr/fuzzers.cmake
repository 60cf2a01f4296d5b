# SPDX-License-Identifier: MIT
pcp_fuzzer(dnsaddr_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_dnsaddr)
pcp_fuzzer(dnsaddr_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_dnsaddr)
