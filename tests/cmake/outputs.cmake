# Output files and standard streams (svmcheck(1), OUTPUT FILES): -o onto
# devices, FIFOs and symbolic links, never onto an input, closed descriptors
# 0-2, long names and kept modes, write errors on stdout and -o files
# (tests/outputs/outputs.sh, one part per test).  Removal of the temporary
# file on a signal is tests/unit/test_signals.c.
foreach(part nonregular inputs stdfds names full)
  add_test(NAME cli/outputs-${part}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/outputs/outputs.sh ${part} $<TARGET_FILE:svmcheck>
      ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
  set_tests_properties(cli/outputs-${part} PROPERTIES LABELS cli TIMEOUT 120
    ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles;NO_COLOR=1;LC_ALL=C")
endforeach()
