# The one error path: every error case of the CLI under -j exits 2 and prints
# exactly one JSON error object with a snake_case code listed in
# svmcheck-json(5) (tests/errors/one_error.sh, checked by the catalogue's
# jsoncheck helper, built in catalogue.cmake).
add_test(NAME cli/one-error
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/errors/one_error.sh $<TARGET_FILE:svmcheck>
    $<TARGET_FILE:catalogue_jsoncheck> ${PROJECT_SOURCE_DIR}/man ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
set_tests_properties(cli/one-error PROPERTIES LABELS cli TIMEOUT 120
  ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
