# SPDX-License-Identifier: MIT
pcp_test(words_tests SOURCES ${CMAKE_CURRENT_LIST_DIR}/words_test.cpp DEPS pcp_words)
