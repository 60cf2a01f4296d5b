# SPDX-License-Identifier: MIT
pcp_test(host_integration_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/host_test.cpp ${CMAKE_CURRENT_LIST_DIR}/stack_test.cpp
  DEPS pcp_host
  LABELS integration
  TIMEOUT 300)
pcp_test(kad_integration_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/kad_test.cpp
  DEPS pcp_kad_service
  LABELS integration
  TIMEOUT 120)
