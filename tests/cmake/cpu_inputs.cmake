# CPU arguments as users give them (tests/cpu_inputs.sh): profiles read once,
# the bare-word rule, `profile list` over FIFOs and many profiles, and
# terminal safety of profile strings.
add_test(NAME cli/cpu-inputs
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cpu_inputs.sh $<TARGET_FILE:svmcheck>
    ${PROJECT_SOURCE_DIR}/tests/fixtures/cpuid ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(cli/cpu-inputs PROPERTIES LABELS cli TIMEOUT 180)
