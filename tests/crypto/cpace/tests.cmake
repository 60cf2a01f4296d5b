# SPDX-License-Identifier: MIT
# CPace (crypto/cpace): draft-irtf-cfrg-cpace-21 ristretto255 vectors from tests/vectors/cpace/.
pcp_test(crypto_cpace_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cpace_test.cpp
  DEPS pcp_crypto)
if(TARGET crypto_cpace_tests)
  target_compile_definitions(crypto_cpace_tests PRIVATE PCP_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
