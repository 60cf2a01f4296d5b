# SPDX-License-Identifier: MIT
# Identity crypto and checksums (SHA-256, CRC-32C, Ed25519, RSA/ECDSA/secp256k1 verification); kept apart from
# tests/crypto/tests.cmake, which other crypto tests append to.
pcp_test(crypto_identity_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/../sha256_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/../ed25519_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/../key_verify_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/../crc32c_test.cpp
  DEPS pcp_crypto)
