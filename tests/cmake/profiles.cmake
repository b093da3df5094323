# The bundled real-CPU profiles must equal a fresh `svmcheck profile import`
# of their cpuid -r dumps (tests/profiles_check.sh holds the list).
add_test(NAME profiles/bundled-match-dumps
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/profiles_check.sh $<TARGET_FILE:svmcheck>
    ${PROJECT_SOURCE_DIR}/tests/fixtures/cpuid ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(profiles/bundled-match-dumps PROPERTIES LABELS cli TIMEOUT 120)
