# SPDX-License-Identifier: MIT
# The host is all glue: one library.
pcp_library(pcp_host
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/host.cpp ${CMAKE_CURRENT_LIST_DIR}/upgrader.cpp
  DEPS pcp_multistream_service pcp_noise_service pcp_yamux_service pcp_identify_service pcp_ping_service pcp_peer
       spdlog::spdlog fmt::fmt)
