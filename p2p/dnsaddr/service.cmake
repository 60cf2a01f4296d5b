# SPDX-License-Identifier: MIT
# transport/dns (pcp_dns, the c-ares glue) is added here until transport/CMakeLists.txt adds it
# itself (`add_subdirectory(dns)`); the guard makes both orders work.
if(NOT TARGET pcp_dns)
  add_subdirectory(${PROJECT_SOURCE_DIR}/transport/dns ${PROJECT_BINARY_DIR}/transport/dns)
endif()
pcp_library(pcp_dnsaddr_service
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service.cpp
  DEPS pcp_dnsaddr pcp_dns)
