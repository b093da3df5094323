# inspect -j keeps what a record is (origin, the nested-state header), and
# the JSON reader gives it back: replay verdicts and the bytes of pages and
# nested-state blobs survive the round trip (tests/inspect_roundtrip.sh).
add_test(NAME cli/inspect-roundtrip
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/inspect_roundtrip.sh $<TARGET_FILE:svmcheck>
    ${PROJECT_SOURCE_DIR}/tests/fixtures)
set_tests_properties(cli/inspect-roundtrip PROPERTIES LABELS cli TIMEOUT 120
  ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
