# SPDX-License-Identifier: MIT
pcp_library(pcp_dnsaddr_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_dnsaddr pcp_dns)
