# SPDX-License-Identifier: MIT
pcp_test(peer_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/varint_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/multibase_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/keys_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/multiaddr_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/addr_scope_test.cpp
  DEPS pcp_peer)
