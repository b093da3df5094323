# README.md's operator recipe runs as written (tests/readme_operator.sh): ssh
# answers from tests/fixtures/operator/, every svmcheck line gives an answer.
add_test(NAME usability/readme-operator
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/readme_operator.sh $<TARGET_FILE:svmcheck>
    ${PROJECT_SOURCE_DIR})
set_tests_properties(usability/readme-operator PROPERTIES LABELS usability TIMEOUT 120)
