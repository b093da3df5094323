# profile capture --kvm: the L1 view of this host's /dev/kvm
# (tests/kvm_capture.sh, skipped where /dev/kvm cannot be opened), and its
# errors where /dev/kvm is missing, not KVM's or not accessible, each made in
# a private mount namespace (tests/kvm_errors.sh, skipped without one).
add_test(NAME kvm/capture
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/kvm_capture.sh $<TARGET_FILE:svmcheck>)
set_tests_properties(kvm/capture PROPERTIES LABELS cli TIMEOUT 60 SKIP_RETURN_CODE 77
  ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
add_test(NAME kvm/errors
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/kvm_errors.sh $<TARGET_FILE:svmcheck>)
set_tests_properties(kvm/errors PROPERTIES LABELS cli TIMEOUT 60 SKIP_RETURN_CODE 77)
