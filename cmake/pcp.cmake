# SPDX-License-Identifier: MIT
# Helpers: one static library per folder, tests, fuzzers; compiler flags and sanitizers.

set(PCP_WARNINGS -Wall -Wextra -Wpedantic -Wno-unused-parameter)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND PCP_WARNINGS -Wshadow=local)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND PCP_WARNINGS -Wno-gnu-zero-variadic-macro-arguments -Wno-deprecated-experimental-coroutine)
endif()
add_compile_options(-fno-omit-frame-pointer)

if(PCP_SANITIZE)
  add_compile_options(-fsanitize=${PCP_SANITIZE} -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PCP_SANITIZE})
  if(PCP_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang 14's -fsanitize=function breaks on coroutine frames ("Cannot represent a difference
    # across sections"); it only checks indirect calls through mistyped function pointers.
    add_compile_options(-fno-sanitize=function)
  endif()
endif()
if(PCP_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Files that must stay pure (no Asio, no liburing): checked by tests/check_pure.sh in ctest.
set_property(GLOBAL PROPERTY PCP_PURE_SOURCES "")

# pcp_library(NAME [PURE] SOURCES ... [DEPS ...])
#   PURE: a sans-I/O library (wire, machine, errc, crypto, p2p/peer). It may not link pcp::asio,
#   and its sources are registered for the include check.
function(pcp_library name)
  cmake_parse_arguments(A "PURE" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_compile_options(${name} PRIVATE ${PCP_WARNINGS})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
  if(A_PURE)
    foreach(dep ${A_DEPS})
      if(dep MATCHES "^(pcp::asio|pcp_asio|pcp_engine|pcp_transport|pcp_host|pcp_cli|.*_service)$")
        message(FATAL_ERROR "${name} is pure and may not link ${dep}")
      endif()
    endforeach()
    foreach(src ${A_SOURCES})
      get_filename_component(abs ${src} ABSOLUTE)
      set_property(GLOBAL APPEND PROPERTY PCP_PURE_SOURCES ${abs})
      string(REGEX REPLACE "\\.cpp$" ".hpp" hdr ${abs})
      if(EXISTS ${hdr})
        set_property(GLOBAL APPEND PROPERTY PCP_PURE_SOURCES ${hdr})
      endif()
    endforeach()
    set_property(GLOBAL APPEND PROPERTY PCP_PURE_LIBS ${name})
  elseif(PCP_PCH AND TARGET pcp_engine AND NOT name STREQUAL "pcp_engine")
    target_precompile_headers(${name} REUSE_FROM pcp_engine)
  endif()
endfunction()

# pcp_test(NAME SOURCES ... DEPS ... [LABELS ...])  — a GoogleTest executable, run by ctest.
function(pcp_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(PCP_FUZZ)
    return()
  endif()
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${PCP_WARNINGS})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT ${A_TIMEOUT} LABELS "${A_LABELS}")
endfunction()

# pcp_fuzzer(NAME SOURCE file DEPS ...) — libFuzzer target under the fuzz preset; elsewhere the same
# source links against fuzz/replay_main.cpp and ctest replays fuzz/corpus/NAME/.
function(pcp_fuzzer name)
  cmake_parse_arguments(A "" "SOURCE" "DEPS" ${ARGN})
  set(exe fuzz_${name})
  if(PCP_FUZZ)
    add_executable(${exe} ${A_SOURCE})
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${exe} ${A_SOURCE})
    target_link_libraries(${exe} PRIVATE pcp_fuzz_replay)
    add_test(NAME fuzz_replay.${name}
      COMMAND ${exe} ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name})
    set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS "fuzz" TIMEOUT 300)
  endif()
  target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${exe} PRIVATE ${A_DEPS})
  set_property(GLOBAL APPEND PROPERTY PCP_FUZZERS ${name})
endfunction()
