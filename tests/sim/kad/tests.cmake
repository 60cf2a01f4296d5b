# SPDX-License-Identifier: MIT
# Kademlia lookup simulation over up to 6400 virtual nodes (issue 6 acceptance).
pcp_test(kad_sim_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/kad_sim_test.cpp DEPS pcp_kad LABELS sim TIMEOUT 300)
