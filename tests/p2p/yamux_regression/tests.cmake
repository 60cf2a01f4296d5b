# SPDX-License-Identifier: MIT
# Regression for the yamux send-buffer wakeup deadlock (window-blocked stream + full send buffer),
# machine-level with a manual clock, plus an event-driven many-stream simulation.
pcp_test(yamux_regression_test
  SOURCES ${PROJECT_SOURCE_DIR}/tests/p2p/yamux/machine_regression_test.cpp
  DEPS pcp_yamux)
