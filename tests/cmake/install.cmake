# Install into a temporary prefix and run the installed copy: files in their
# GNUInstallDirs places, bundled profiles found by name from any directory
# (and after the prefix is moved), and tests/example/example.c built against
# libsvmcheck through `pkg-config --static svmcheck` (tests/install/install_test.sh).
# A sanitized library needs the sanitizer runtime in the example's link too.
set(SVMCHECK_EXAMPLE_FLAGS "")
if(SVMCHECK_SANITIZE)
  set(SVMCHECK_EXAMPLE_FLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME install/install
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/install/install_test.sh ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR}
    ${PROJECT_SOURCE_DIR} ${CMAKE_C_COMPILER} "${SVMCHECK_EXAMPLE_FLAGS}")
set_tests_properties(install/install PROPERTIES LABELS install TIMEOUT 300)

# bash completion, driven as bash drives it, in `bash --norc` without the
# bash-completion package (tests/install/completion_test.sh).
add_test(NAME install/completion
  COMMAND bash --norc ${PROJECT_SOURCE_DIR}/tests/install/completion_test.sh
    ${PROJECT_SOURCE_DIR}/src/completion/svmcheck.bash $<TARGET_FILE:svmcheck> ${PROJECT_SOURCE_DIR}/profiles)
set_tests_properties(install/completion PROPERTIES LABELS install TIMEOUT 120)

# The library's namespace: exported symbols svmc_ only, public headers define
# SVMC_/svmc_ macros only (tests/install/namespace_test.sh).
add_test(NAME install/namespace
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/install/namespace_test.sh $<TARGET_FILE:svmcheck_lib>
    ${PROJECT_SOURCE_DIR}/include ${CMAKE_C_COMPILER})
set_tests_properties(install/namespace PROPERTIES LABELS install TIMEOUT 60)
