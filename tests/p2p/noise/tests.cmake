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
