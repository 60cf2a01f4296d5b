# SPDX-License-Identifier: MIT
pcp_test(identify_wire_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp DEPS pcp_identify)
