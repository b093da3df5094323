# svmcheck baseline proven by matrix (tests/baseline.sh): the baseline as a
# profile, a QEMU -cpu string and a libvirt <cpu> element, each given to
# `matrix --guest` over the same hosts under every model, gives one class.
add_test(NAME cli/baseline
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/baseline.sh $<TARGET_FILE:svmcheck>
    ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(cli/baseline PROPERTIES LABELS cli TIMEOUT 180)
