# SPDX-License-Identifier: MIT
# Noise fuzz targets: the payload protobuf and framing (noise_wire), and handshake machines fed
# hostile handshake bytes followed by transport frames (noise_machine).
pcp_fuzzer(noise_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_noise)
pcp_fuzzer(noise_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_noise)
