# replay -t 2 reads text in chunks and writes exactly what -t 1 writes
# (tests/chunks.sh), over the fixtures and corpora of bench/gen.c (built
# here: the benchmark's generator, which links nothing of svmcheck).
add_executable(bench_gen ${PROJECT_SOURCE_DIR}/bench/gen.c)
target_include_directories(bench_gen PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
add_test(NAME cli/chunks
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/chunks.sh $<TARGET_FILE:svmcheck>
    $<TARGET_FILE:bench_gen> ${CMAKE_CURRENT_SOURCE_DIR})
set_tests_properties(cli/chunks PROPERTIES LABELS cli TIMEOUT 300
  ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles;NO_COLOR=1;LC_ALL=C")
