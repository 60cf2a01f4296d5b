# SPDX-License-Identifier: MIT
pcp_fuzzer(kad_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_kad)
pcp_fuzzer(kad_query SOURCE ${CMAKE_CURRENT_LIST_DIR}/query_fuzz.cpp DEPS pcp_kad)
pcp_fuzzer(kad_handler SOURCE ${CMAKE_CURRENT_LIST_DIR}/handler_fuzz.cpp DEPS pcp_kad)
