# matrix prints migrate commands that reproduce its pairs (tests/matrix_commands.sh):
# each is run as printed and must give the matrix's result for its pair.
add_test(NAME cli/matrix-commands
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/matrix_commands.sh $<TARGET_FILE:svmcheck>
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(cli/matrix-commands PROPERTIES LABELS cli TIMEOUT 120)
