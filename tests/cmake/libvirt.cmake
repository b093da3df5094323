# libvirt <cpu mode='host-passthrough'> against this host (tests/libvirt_host.sh).
add_test(NAME libvirt/host-passthrough
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/libvirt_host.sh $<TARGET_FILE:svmcheck>
    ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
set_tests_properties(libvirt/host-passthrough PROPERTIES LABELS cli TIMEOUT 120
  SKIP_RETURN_CODE 77 ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
