# replay --run without a real emulator (tests/replay_run.sh): the refusals
# (missing emulator or guest, an input that cannot be read twice) and the
# boot loop against the conformance harness's fake emulator (a hang and a
# crash rebooted past, an interrupt); the private directory never stays.
add_test(NAME cli/replay-run
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/replay_run.sh $<TARGET_FILE:svmcheck> ${CMAKE_CURRENT_SOURCE_DIR})
set_tests_properties(cli/replay-run PROPERTIES LABELS cli TIMEOUT 300
  ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
