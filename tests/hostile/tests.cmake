# SPDX-License-Identifier: MIT
# Hostile peers against a real host over loopback TCP (malicious clients built from our codecs).
pcp_test(hostile_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hostile_test.cpp
  DEPS pcp_host
  LABELS integration
  TIMEOUT 300)
