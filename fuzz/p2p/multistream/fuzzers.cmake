# SPDX-License-Identifier: MIT
pcp_fuzzer(multistream_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_multistream)
pcp_fuzzer(multistream_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_multistream)
