# SPDX-License-Identifier: MIT
pcp_test(multistream_wire_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp DEPS pcp_multistream)
pcp_test(multistream_machine_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp DEPS pcp_multistream)
