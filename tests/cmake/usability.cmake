# What people see: help, "did you mean", --color WHEN, <stdin>
# (tests/usability/help_test.sh).
add_test(NAME usability/help
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/usability/help_test.sh $<TARGET_FILE:svmcheck>
          ${PROJECT_SOURCE_DIR}/tests/fixtures)
set_tests_properties(usability/help PROPERTIES LABELS usability TIMEOUT 120
  ENVIRONMENT "LC_ALL=C;NO_COLOR=;SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")

# Text output fits 80 columns ($COLUMNS on a terminal): every case and every
# command on the test inputs (tests/usability/width_test.sh).
add_test(NAME usability/width
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/usability/width_test.sh $<TARGET_FILE:svmcheck>
          ${PROJECT_SOURCE_DIR}/tests)
set_tests_properties(usability/width PROPERTIES LABELS usability TIMEOUT 300
  ENVIRONMENT "LC_ALL=C;SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")

# profile list's header, SVM column, kinds and descriptions; capture's name
# (tests/usability/profile_test.sh).
add_test(NAME usability/profile
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/usability/profile_test.sh $<TARGET_FILE:svmcheck>)
set_tests_properties(usability/profile PROPERTIES LABELS usability TIMEOUT 60
  ENVIRONMENT "LC_ALL=C;SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")

# The documentation: pages render cleanly, JSON in pages keeps its quotes,
# SEE ALSO names what exists, and every example command of README.md and the
# man pages runs with the exit status its text gives
# (tests/usability/examples_test.sh).
add_test(NAME usability/examples
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/usability/examples_test.sh $<TARGET_FILE:svmcheck>
          ${PROJECT_SOURCE_DIR})
set_tests_properties(usability/examples PROPERTIES LABELS usability TIMEOUT 300
  ENVIRONMENT "LC_ALL=C")
