# Man pages against the real CLI: every page renders without a warning under
# `man --warnings` (Not Run without man-db), every option of each command's
# --help is in its page, every command has one (tests/install/manpages_test.sh).
add_test(NAME install/manpages
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/install/manpages_test.sh $<TARGET_FILE:svmcheck> ${PROJECT_SOURCE_DIR}/man)
set_tests_properties(install/manpages PROPERTIES LABELS install TIMEOUT 120 SKIP_RETURN_CODE 77
  ENVIRONMENT "LC_ALL=C;SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
