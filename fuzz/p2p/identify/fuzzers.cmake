# SPDX-License-Identifier: MIT
pcp_fuzzer(identify_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_identify)
