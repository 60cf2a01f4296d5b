# SPDX-License-Identifier: MIT
add_executable(bench_p2p ${CMAKE_CURRENT_LIST_DIR}/stack_bench.cpp)
target_link_libraries(bench_p2p PRIVATE pcp_host pcp_transfer benchmark::benchmark)
set_target_properties(bench_p2p PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
