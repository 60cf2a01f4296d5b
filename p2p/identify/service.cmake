# SPDX-License-Identifier: MIT
pcp_library(pcp_identify_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_identify pcp_transport)
