# SPDX-License-Identifier: MIT
pcp_library(pcp_pake_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_pake pcp_transport)
