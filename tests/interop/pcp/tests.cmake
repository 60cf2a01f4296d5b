# SPDX-License-Identifier: MIT
# The pcp side of the js interop data tests (same host code as `pcp`, plus the test protocols).
if(NOT PCP_FUZZ)
  add_executable(pcp_testpeer ${CMAKE_CURRENT_LIST_DIR}/testpeer.cpp)
  target_include_directories(pcp_testpeer PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(pcp_testpeer PRIVATE pcp_host pcp_crypto nlohmann_json::nlohmann_json)
  set_target_properties(pcp_testpeer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
endif()
