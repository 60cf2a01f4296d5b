# SPDX-License-Identifier: MIT
# Fault injection end to end (tests/fault/*.sh): the pcp binary on a two-namespace LAN with the
# receiver killed, the link cut, packet loss, a full or read-only disk, a source file changing,
# and runs as an unprivileged user. docs/testing.md §Fault injection.
if(NOT PCP_FUZZ)
  foreach(name receiver_killed link_cut packet_loss disk_full readonly_output source_changed non_root low_memlock)
    add_test(NAME fault.${name} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${name}.sh $<TARGET_FILE:pcp>)
    set_tests_properties(fault.${name} PROPERTIES LABELS "e2e;fault" SKIP_RETURN_CODE 77 TIMEOUT 180 RESOURCE_LOCK netns)
  endforeach()

  # The filesystem unit tests once more as nobody: transfer_fs.permission_errors_surface skips
  # itself as root. Its target comes from tests/p2p/transfer/tests.cmake, included after this
  # file (or not at all under PCP_SKIP_DIRS), hence the deferred check.
  set(pcp_fault_dir ${CMAKE_CURRENT_LIST_DIR})
  function(pcp_fault_as_nobody)
    if(TARGET transfer_fs_test)
      add_test(NAME fault.transfer_fs_as_nobody
        COMMAND bash ${pcp_fault_dir}/as_nobody.sh $<TARGET_FILE:transfer_fs_test>)
      set_tests_properties(fault.transfer_fs_as_nobody PROPERTIES LABELS "unit;fault" SKIP_RETURN_CODE 77 TIMEOUT 180)
    endif()
  endfunction()
  cmake_language(DEFER CALL pcp_fault_as_nobody)
endif()
