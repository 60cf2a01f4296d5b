# SPDX-License-Identifier: MIT
pcp_fuzzer(yamux_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_yamux)
pcp_fuzzer(yamux_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_yamux)
