# SPDX-License-Identifier: MIT
# Load generator for `pcp node` (bench/load/node_load.sh; ctest load.node_1000 in tests/load).
add_executable(pcp_loadgen ${CMAKE_CURRENT_LIST_DIR}/loadgen.cpp)
target_include_directories(pcp_loadgen PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(pcp_loadgen PRIVATE ${PCP_WARNINGS})
target_link_libraries(pcp_loadgen PRIVATE pcp_host CLI11::CLI11 nlohmann_json::nlohmann_json spdlog::spdlog)
set_target_properties(pcp_loadgen PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
