# SPDX-License-Identifier: MIT
# Noise: wire codec, XX handshake machine, transport cipher states, and a two-machine simulation.
pcp_test(noise_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../../sim/noise_sim_test.cpp
  DEPS pcp_noise)
if(TARGET noise_tests)
  target_compile_definitions(noise_tests PRIVATE PCP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
# secure_stream over a memory socket pair: frame sizes, zero-copy frames(), reads over any split.
pcp_test(noise_service_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service_test.cpp
  DEPS pcp_noise_service
  LABELS integration)
