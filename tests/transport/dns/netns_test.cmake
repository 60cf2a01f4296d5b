# SPDX-License-Identifier: MIT
# pcp_dns_netns_test(NAME TEST SOURCE file DEPS ...) — a gtest binary that talks to
# tests/tools/dns_server.py: one ctest runs the whole binary inside a fresh network namespace
# (netns.sh unshare) through with_dns_servers.sh, serving tests/transport/dns/test_zone.json. Not
# discovered by gtest (that would run it in the host namespace). Skips (77) without namespaces
# unless PCP_REQUIRE_NETNS=1.
function(pcp_dns_netns_test name)
  cmake_parse_arguments(A "" "TEST;SOURCE" "DEPS" ${ARGN})
  add_executable(${name} ${A_SOURCE})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${PCP_WARNINGS})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main)
  set(dir ${PROJECT_SOURCE_DIR}/tests/transport/dns)
  add_test(NAME ${A_TEST}
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/netns/netns.sh unshare --
            bash ${dir}/with_dns_servers.sh ${dir}/test_zone.json $<TARGET_FILE:${name}>)
  set_tests_properties(${A_TEST} PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77 TIMEOUT 120)
endfunction()
