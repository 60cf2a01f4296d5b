# SPDX-License-Identifier: MIT
pcp_test(kad_wire_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp DEPS pcp_kad)
pcp_test(kad_core_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/routing_table_test.cpp ${CMAKE_CURRENT_LIST_DIR}/query_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/store_test.cpp ${CMAKE_CURRENT_LIST_DIR}/handler_test.cpp
  DEPS pcp_kad)
