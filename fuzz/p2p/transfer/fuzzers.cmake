# SPDX-License-Identifier: MIT
pcp_fuzzer(transfer_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_transfer)
pcp_fuzzer(transfer_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_transfer)
