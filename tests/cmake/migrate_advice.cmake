# migrate's advice reproduces (tests/migrate_advice.sh): every printed check
# command, run as printed, gives what its advice promises.
add_test(NAME cli/migrate-advice
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/migrate_advice.sh $<TARGET_FILE:svmcheck>
    ${CMAKE_CURRENT_SOURCE_DIR}/cases/migrate/legacy-to-kvm-records/records.raw
    ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(cli/migrate-advice PROPERTIES LABELS cli TIMEOUT 120
  ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
