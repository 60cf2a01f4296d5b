# SPDX-License-Identifier: MIT
pcp_library(pcp_noise_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_noise pcp_transport)
