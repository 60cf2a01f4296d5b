# SPDX-License-Identifier: MIT
pcp_library(pcp_kad_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_kad pcp_host)
