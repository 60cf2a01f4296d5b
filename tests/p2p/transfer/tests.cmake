# SPDX-License-Identifier: MIT
pcp_test(transfer_wire_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp ${CMAKE_CURRENT_LIST_DIR}/path_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp
  DEPS pcp_transfer)
pcp_test(transfer_fs_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fs_test.cpp DEPS pcp_transfer_fs)
pcp_test(transfer_service_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service_test.cpp
  DEPS pcp_transfer_service
  LABELS integration
  TIMEOUT 300)
