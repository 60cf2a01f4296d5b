# SPDX-License-Identifier: MIT
# Crypto primitives used by Noise: ChaCha20-Poly1305 (OpenSSL, cross-checked with libsodium),
# X25519 and HMAC-SHA256/HKDF.
pcp_test(crypto_aead_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/chacha20poly1305_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/x25519_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hkdf_test.cpp
  DEPS pcp_crypto)
