# SPDX-License-Identifier: MIT
pcp_library(pcp_yamux_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_yamux pcp_transport)
