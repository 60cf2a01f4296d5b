# SPDX-License-Identifier: MIT
pcp_library(pcp_ping_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_transport PkgConfig::SODIUM)
