# SPDX-License-Identifier: MIT
pcp_test(yamux_wire_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp DEPS pcp_yamux)
pcp_test(yamux_machine_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp DEPS pcp_yamux)
pcp_test(yamux_sim_test SOURCES ${PROJECT_SOURCE_DIR}/tests/sim/yamux_sim_test.cpp DEPS pcp_yamux
  LABELS sim)
# session_service and mux_stream over a memory pair, plain and over Noise (lent writes and reads).
pcp_test(yamux_service_tests SOURCES ${CMAKE_CURRENT_LIST_DIR}/service_test.cpp
  DEPS pcp_yamux_service pcp_noise_service
  LABELS integration)
