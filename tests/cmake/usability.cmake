# What people see: help, "did you mean", --color WHEN, <stdin>
# (tests/usability/help_test.sh).
add_test(NAME usability/help
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/usability/help_test.sh $<TARGET_FILE:svmcheck>
          ${PROJECT_SOURCE_DIR}/tests/fixtures)
set_tests_properties(usability/help PROPERTIES LABELS usability TIMEOUT 120
  ENVIRONMENT "LC_ALL=C;NO_COLOR=;SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
