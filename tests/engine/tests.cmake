# SPDX-License-Identifier: MIT
pcp_test(engine_base_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/buffer_test.cpp ${CMAKE_CURRENT_LIST_DIR}/result_test.cpp
  DEPS pcp_base)
pcp_test(engine_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_pool_test.cpp ${CMAKE_CURRENT_LIST_DIR}/uring_test.cpp
  DEPS pcp_transport
  LABELS integration)
