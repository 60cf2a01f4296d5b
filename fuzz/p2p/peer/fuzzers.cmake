# SPDX-License-Identifier: MIT
pcp_fuzzer(peer_varint SOURCE ${CMAKE_CURRENT_LIST_DIR}/varint_fuzz.cpp DEPS pcp_peer)
pcp_fuzzer(peer_protobuf SOURCE ${CMAKE_CURRENT_LIST_DIR}/protobuf_fuzz.cpp DEPS pcp_peer)
pcp_fuzzer(peer_multiaddr SOURCE ${CMAKE_CURRENT_LIST_DIR}/multiaddr_fuzz.cpp DEPS pcp_peer)
pcp_fuzzer(peer_cid SOURCE ${CMAKE_CURRENT_LIST_DIR}/cid_fuzz.cpp DEPS pcp_peer)
pcp_fuzzer(peer_peer_id SOURCE ${CMAKE_CURRENT_LIST_DIR}/peer_id_fuzz.cpp DEPS pcp_peer)
pcp_fuzzer(peer_public_key SOURCE ${CMAKE_CURRENT_LIST_DIR}/public_key_fuzz.cpp DEPS pcp_peer)
