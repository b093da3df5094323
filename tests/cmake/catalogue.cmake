# The bad-input catalogue (no crash, no hang, an error naming the input): one CTest test per folder
# tests/catalogue/<item>/ holding a `case` file, run by tests/catalogue/run.sh
# with the jsoncheck helper (NDJSON checker and time/RSS-bounded runner,
# linked with json-c so that no python3 or jq is needed).
add_executable(catalogue_jsoncheck ${CMAKE_CURRENT_SOURCE_DIR}/catalogue/jsoncheck.c)
target_link_libraries(catalogue_jsoncheck PRIVATE json-c::json-c)

file(GLOB SVMCHECK_CATALOGUE CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/catalogue/*/case)
foreach(casefile ${SVMCHECK_CATALOGUE})
  get_filename_component(casedir ${casefile} DIRECTORY)
  get_filename_component(casename ${casedir} NAME)
  add_test(NAME catalogue/${casename}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/catalogue/run.sh ${casedir} $<TARGET_FILE:svmcheck>
      $<TARGET_FILE:catalogue_jsoncheck> ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(catalogue/${casename} PROPERTIES LABELS "cli;catalogue" TIMEOUT 300
    SKIP_RETURN_CODE 77
    ENVIRONMENT "SVMCHECK_PROFILE_PATH=${PROJECT_SOURCE_DIR}/profiles")
endforeach()
