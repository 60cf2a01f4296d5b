# SPDX-License-Identifier: MIT
pcp_library(pcp_multistream_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_multistream pcp_transport)
