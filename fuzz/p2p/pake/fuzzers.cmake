# SPDX-License-Identifier: MIT
# /pcp/pake/1.0.0 fuzz targets: the codec (pake_wire) and the CPace machine in either role fed a
# hostile peer's byte stream (pake_machine).
pcp_fuzzer(pake_wire SOURCE ${CMAKE_CURRENT_LIST_DIR}/wire_fuzz.cpp DEPS pcp_pake)
pcp_fuzzer(pake_machine SOURCE ${CMAKE_CURRENT_LIST_DIR}/machine_fuzz.cpp DEPS pcp_pake)
