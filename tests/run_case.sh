#!/bin/sh
# run_case.sh CASE_DIR SVMCHECK TESTS_DIR
#
# One data-driven CLI case (jq tests / libcpuid golden dumps style):
#   args            one argument per line; @FIXTURES@ and @CASE@ are
#                   replaced by tests/fixtures and the case folder
#   stdin           (optional) fed to standard input, else /dev/null
#   expected.rc     the exact exit status
#   expected.txt or expected.json   stdout, compared byte for byte
#   expected.stderr (optional) extended regexes, one per line, that must
#                   each match some line of stderr
# SVMCHECK_REGEN=1 rewrites expected.txt/expected.json/expected.rc from the
# program's output: review the diff before committing it.
set -u
case_dir=$1 bin=$2 tests=$3
out=$(mktemp) err=$(mktemp) argv=$(mktemp)
trap 'rm -f "$out" "$err" "$argv"' EXIT
fixtures=$tests/fixtures
sed -e "s|@FIXTURES@|$fixtures|g" -e "s|@CASE@|$case_dir|g" \
	"$case_dir/args" > "$argv"
set --
while IFS= read -r a || [ -n "$a" ]; do set -- "$@" "$a"; done < "$argv"
stdin=/dev/null
[ -f "$case_dir/stdin" ] && stdin=$case_dir/stdin
(cd "$case_dir" && NO_COLOR=1 LC_ALL=C COLUMNS=100 "$bin" "$@" < "$stdin" > "$out" 2> "$err")
rc=$?
exp_out=$case_dir/expected.txt
[ -f "$case_dir/expected.json" ] && exp_out=$case_dir/expected.json
if [ "${SVMCHECK_REGEN:-}" = 1 ]; then
	cp "$out" "$exp_out"; echo "$rc" > "$case_dir/expected.rc"
	echo "regenerated $case_dir"; exit 0
fi
fail=0
want_rc=$(cat "$case_dir/expected.rc")
if [ "$rc" != "$want_rc" ]; then
	echo "exit status $rc, expected $want_rc"; fail=1
fi
if [ -f "$exp_out" ]; then
	if ! cmp -s "$out" "$exp_out"; then
		echo "stdout differs from $exp_out:"; diff -u "$exp_out" "$out" | head -60; fail=1
	fi
else
	echo "no expected.txt or expected.json in $case_dir"; fail=1
fi
if [ -f "$case_dir/expected.stderr" ]; then
	while IFS= read -r re || [ -n "$re" ]; do
		[ -z "$re" ] && continue
		if ! grep -Eq -- "$re" "$err"; then
			echo "stderr lacks /$re/:"; cat "$err"; fail=1
		fi
	done < "$case_dir/expected.stderr"
fi
[ $fail = 0 ] && echo "ok $case_dir"
exit $fail
