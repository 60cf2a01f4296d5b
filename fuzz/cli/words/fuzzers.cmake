# SPDX-License-Identifier: MIT
pcp_fuzzer(words_parse SOURCE ${CMAKE_CURRENT_LIST_DIR}/parse_fuzz.cpp DEPS pcp_words)
