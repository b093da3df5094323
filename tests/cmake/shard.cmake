# Sharding (tests/shard.sh): replay shards merged by `svmcheck summary`
# equal one process over the same inputs.  cli/shard-hand cuts the shards
# by hand, so the merge is tested everywhere; cli/shard-parallel runs the
# README's GNU parallel recipe, and is skipped (saying so) only where
# parallel is not installed: .ci/setup installs it.
foreach(mode hand parallel)
  add_test(NAME cli/shard-${mode}
    COMMAND sh ${PROJECT_SOURCE_DIR}/tests/shard.sh $<TARGET_FILE:svmcheck>
      ${PROJECT_SOURCE_DIR}/tests ${mode})
  set_tests_properties(cli/shard-${mode} PROPERTIES LABELS cli TIMEOUT 180 SKIP_RETURN_CODE 77
    ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
endforeach()
