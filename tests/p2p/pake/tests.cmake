# SPDX-License-Identifier: MIT
# /pcp/pake/1.0.0: codec limits, the CPace machine (draft-21 vectors through the wire, right and
# wrong codes, tampering, bindings, limits, attempt limiter) and the service over memory streams.
pcp_test(pake_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_test.cpp ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp
  DEPS pcp_pake)
if(TARGET pake_tests)
  target_compile_definitions(pake_tests PRIVATE PCP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
pcp_test(pake_service_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/service_test.cpp
  DEPS pcp_pake_service
  LABELS integration)
