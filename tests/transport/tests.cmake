# SPDX-License-Identifier: MIT
pcp_test(transport_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/stream_test.cpp
  DEPS pcp_transport
  LABELS integration)
