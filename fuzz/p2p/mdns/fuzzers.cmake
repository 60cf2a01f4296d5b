# SPDX-License-Identifier: MIT
pcp_fuzzer(mdns_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_mdns)
pcp_fuzzer(mdns_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_mdns)
