# The one test that looks beside the repository: tests/fixtures/cpuid/ holds
# copies of the real CPUID dumps in profiles-data/ of the shared/ folder next
# to the source tree; when that folder exists this checks that the copies are
# still identical, and otherwise it is reported as skipped.  Label `shared`
# (select it with `ctest -L shared`, leave it out with `-LE shared`).  No
# other test reads anything outside the repository.
set(SVMCHECK_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" CACHE PATH
  "The shared/ folder beside the repository, compared by the `shared` test only")
add_test(NAME shared/fixtures-match-profiles-data
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/shared_check.sh ${PROJECT_SOURCE_DIR}/tests/fixtures/cpuid
    ${SVMCHECK_SHARED_DIR}/profiles-data)
set_tests_properties(shared/fixtures-match-profiles-data PROPERTIES LABELS shared TIMEOUT 60
  SKIP_RETURN_CODE 77)
