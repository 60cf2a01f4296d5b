# SPDX-License-Identifier: MIT
pcp_library(pcp_transfer_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_transfer pcp_transfer_fs pcp_crypto pcp_transport)
