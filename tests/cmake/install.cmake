# Install into a temporary prefix and run the installed copy: files in their
# GNUInstallDirs places, bundled profiles found by name from any directory
# (and after the prefix is moved), and tests/example/example.c built against
# libsvmcheck through `pkg-config --static svmcheck` (tests/eco/install_test.sh).
# A sanitized library needs the sanitizer runtime in the example's link too.
set(SVMCHECK_EXAMPLE_FLAGS "")
if(SVMCHECK_SANITIZE)
  set(SVMCHECK_EXAMPLE_FLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME eco/install
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/eco/install_test.sh ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR}
    ${PROJECT_SOURCE_DIR} ${CMAKE_C_COMPILER} "${SVMCHECK_EXAMPLE_FLAGS}")
set_tests_properties(eco/install PROPERTIES LABELS eco TIMEOUT 300)

# bash completion, driven as bash drives it, in `bash --norc` without the
# bash-completion package (tests/eco/completion_test.sh).
add_test(NAME eco/completion
  COMMAND bash --norc ${PROJECT_SOURCE_DIR}/tests/eco/completion_test.sh
    ${PROJECT_SOURCE_DIR}/src/completion/svmcheck.bash $<TARGET_FILE:svmcheck> ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(eco/completion PROPERTIES LABELS eco TIMEOUT 120)
