# SPDX-License-Identifier: MIT
pcp_library(pcp_mdns_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_mdns pcp_transport PkgConfig::SODIUM)
