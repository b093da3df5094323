#!/bin/sh
# shard.sh SVMCHECK TESTS_DIR hand|parallel - a replay sharded over many
# fixture inputs, merged by `svmcheck summary`, equals one process over the
# same inputs: the JSON summary byte for byte, the text summary lines, the
# exit status; for replay's default models by origin, one model (-m apm) and
# models side by side (-m all), over inputs with and without an error.
#   hand      three shards cut by hand, concatenated into one file and also
#             given as three files and on standard input; then the errors:
#             a shard cut short before its summary, a line that is not
#             replay's, shards of other models or CPUs: exit 2 with
#             FILE:LINE, and the rest still merged;
#   parallel  one shard per input under GNU parallel, as the README's
#             recipe; skipped (exit 77, said on stdout) without parallel.
set -u
svmcheck=$1
tests=$2
mode=$3
fx=$tests/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "summary ($mode): $*"
	fails=$((fails + 1))
}
if [ "$mode" = parallel ] && ! command -v parallel > /dev/null; then
	echo "SKIP: GNU parallel is not installed (Debian package parallel; .ci/setup installs it)"
	exit 77
fi
# parallel keeps its state in $PARALLEL_HOME: not in the tester's home
export PARALLEL_HOME="$tmp/parallel"
cpu=epyc-milan
# every capture format's fixtures: pages, kernel logs, Xen dumps, nested states, JSON
set -- "$fx"/raw/*.bin "$fx"/kvm/*.log "$fx"/xen/*.txt "$fx"/nested_state/*.bin "$fx"/json/*.json
all_inputs=$*
clean_inputs="$fx/raw/longmode.bin $fx/raw/dump25.bin $fx/xen/sample.txt $fx/raw/nested.bin"
[ $# -ge 40 ] || fail "only $# fixture inputs"

# one process over all inputs: $tmp/one.json (NDJSON), $tmp/one.txt, statuses
single() { # single INPUTS MODELARGS...
	ins=$1
	shift
	# shellcheck disable=SC2086
	"$svmcheck" replay -j -c $cpu "$@" $ins > "$tmp/one.json" 2> /dev/null
	one_rc=$?
	# shellcheck disable=SC2086
	# the L1 view note after replay's summary speaks of the CPU, not the counts: not merged
	"$svmcheck" replay -c $cpu "$@" $ins 2> /dev/null | sed '/^L1 view of /,$d' > "$tmp/one.txt"
}

# merged ($tmp/merged.json, .txt) against the single run, for what
compare() { # compare WHAT
	tail -n 1 "$tmp/one.json" > "$tmp/one.summary"
	if ! cmp -s "$tmp/one.summary" "$tmp/merged.json"; then
		fail "$1: JSON summary differs"
		diff "$tmp/one.summary" "$tmp/merged.json"
	fi
	[ "$merged_rc" = "$one_rc" ] || fail "$1: exit status $merged_rc, one process $one_rc"
	n=$(wc -l < "$tmp/merged.txt")
	[ "$n" -ge 1 ] || fail "$1: no text summary"
	if ! tail -n "$n" "$tmp/one.txt" | cmp -s - "$tmp/merged.txt"; then
		fail "$1: text summary differs"
		tail -n "$n" "$tmp/one.txt" | diff - "$tmp/merged.txt"
	fi
}

merge() { # merge FILE...: svmcheck summary (-j and text) into merged.*
	"$svmcheck" summary -j "$@" > "$tmp/merged.json" 2> "$tmp/merged.err"
	merged_rc=$?
	"$svmcheck" summary "$@" > "$tmp/merged.txt" 2> /dev/null
}

for ins in all clean; do
	inputs=$clean_inputs
	[ $ins = all ] && inputs="$all_inputs $tmp/missing.bin" # one error among them
	for models in "" "-m apm" "-m all"; do
		what="$ins inputs${models:+ $models}"
		# shellcheck disable=SC2086
		single "$inputs" $models
		rm -f "$tmp"/shard*
		if [ "$mode" = parallel ]; then
			# the README's recipe: one job per input, outputs grouped per job
			# shellcheck disable=SC2086
			parallel --will-cite -j 4 "$svmcheck" replay -j -c $cpu $models ::: $inputs \
				> "$tmp/shards" 2> /dev/null
			merge "$tmp/shards"
			compare "$what"
			continue
		fi
		i=0
		for f in $inputs; do
			echo "$f" >> "$tmp/shard$((i % 3)).list"
			i=$((i + 1))
		done
		for s in 0 1 2; do
			# shellcheck disable=SC2086,SC2046
			"$svmcheck" replay -j -c $cpu $models $(cat "$tmp/shard$s.list") \
				> "$tmp/shard$s.out" 2> /dev/null
		done
		merge "$tmp/shard0.out" "$tmp/shard1.out" "$tmp/shard2.out"
		compare "$what, three files"
		cat "$tmp/shard0.out" "$tmp/shard1.out" "$tmp/shard2.out" > "$tmp/shards"
		merge "$tmp/shards"
		compare "$what, one file"
		"$svmcheck" summary -j - < "$tmp/shards" > "$tmp/merged.json" 2> /dev/null
		cmp -s "$tmp/merged.json" "$tmp/one.summary" || fail "$what: standard input differs"
	done
done
[ "$mode" = parallel ] && exit $((fails != 0))

# errors: the shards of the last run (clean inputs, -m all) spoilt one way each
expect_bad() { # expect_BAD WHAT REGEX: exit 2, REGEX on stderr, the rest merged
	[ "$merged_rc" = 2 ] || fail "$1: exit status $merged_rc, not 2"
	grep -Eq -- "$2" "$tmp/merged.err" || {
		fail "$1: stderr lacks /$2/"
		cat "$tmp/merged.err"
	}
}
one=$(tail -n 1 "$tmp/shard1.out")
recs1=$(printf '%s\n' "$one" | sed 's/.*"records":\([0-9]*\).*/\1/')
# shard 1 cut short: its records are in no count, said at its first record
head -n 1 "$tmp/shard1.out" > "$tmp/cut.out"
merge "$tmp/shard0.out" "$tmp/cut.out" "$tmp/shard2.out"
expect_bad "cut short" "^svmcheck: $tmp/cut.out:1: 1 records or errors .* no summary"
total=$(sed 's/.*"records":\([0-9]*\).*/\1/' "$tmp/one.summary")
got=$(grep '"summary"' "$tmp/merged.json" | sed 's/.*"records":\([0-9]*\).*/\1/')
[ "$got" = $((total - recs1)) ] || fail "cut short: $got records merged, want $((total - recs1))"
# a line that is not replay's, in the middle of shard 0: the rest still adds up
{
	head -n 1 "$tmp/shard0.out"
	echo '{"type":"vmcb",'
	echo 'not json'
	echo '{"type":"progress"}'
	echo '{"type":"summary","records":1}'
	tail -n +2 "$tmp/shard0.out"
} > "$tmp/bad.out"
merge "$tmp/bad.out" "$tmp/shard1.out" "$tmp/shard2.out"
expect_bad "a JSON value cut short" "^svmcheck: $tmp/bad.out:2: not a JSON line"
expect_bad "not JSON" "^svmcheck: $tmp/bad.out:3: not a JSON line"
expect_bad "another type" "^svmcheck: $tmp/bad.out:4: .*\"progress\""
expect_bad "a summary without counts" "^svmcheck: $tmp/bad.out:5: a summary without its count \"vmrun\""
grep '"summary"' "$tmp/merged.json" | cmp -s - "$tmp/one.summary" ||
	fail "bad lines: the rest is not merged into the one-process summary"
[ "$(grep -c '"type":"error"' "$tmp/merged.json")" = 4 ] || fail "bad lines: not one JSON error object each"
# shards of other models than each other: one run has one -m
# shellcheck disable=SC2086
"$svmcheck" replay -j -c $cpu $clean_inputs > "$tmp/default.out" 2> /dev/null
merge "$tmp/shard0.out" "$tmp/default.out"
expect_bad "other models" "^svmcheck: $tmp/default.out:[0-9]+: a summary of other models"
# shards of another CPU
# shellcheck disable=SC2086
"$svmcheck" replay -j -c epyc-rome -m all $clean_inputs > "$tmp/rome.out" 2> /dev/null
merge "$tmp/shard0.out" "$tmp/rome.out"
expect_bad "other CPU" "^svmcheck: $tmp/rome.out:1: cpu 'epyc-rome', but an earlier shard's is '$cpu'"
# shards of another view (the same CPU and models, --view silicon): their summaries differ
# shellcheck disable=SC2086
"$svmcheck" replay -j -c $cpu -m all --view silicon $clean_inputs > "$tmp/silicon.out" 2> /dev/null
merge "$tmp/shard0.out" "$tmp/silicon.out"
expect_bad "other view" "views\" \(view, kernel, L1 features\) differ from an earlier shard's"
# an unreadable input
merge "$tmp/shard0.out" "$tmp/nonexistent"
expect_bad "missing file" "cannot open $tmp/nonexistent"
# no summary at all (a shard that never ran, or ran with -q): trouble, not an empty run
"$svmcheck" summary -j < /dev/null > "$tmp/merged.json" 2> "$tmp/merged.err"
rc=$?
[ $rc = 2 ] || fail "empty: exit status $rc"
grep -q 'no summary line' "$tmp/merged.err" || fail "empty: $(cat "$tmp/merged.err")"
grep -q '"records":0,' "$tmp/merged.json" || fail "empty: $(cat "$tmp/merged.json")"
# a real empty run (replay of an empty file) has its summary line: merged, exit as replay's
: > "$tmp/empty.raw"
"$svmcheck" replay -j -c $cpu "$tmp/empty.raw" > "$tmp/empty.out" 2> /dev/null
one_rc=$?
"$svmcheck" summary -j "$tmp/empty.out" > "$tmp/merged.json" 2> /dev/null
[ $? = "$one_rc" ] || fail "empty run: summary's exit status differs from replay's ($one_rc)"
exit $((fails != 0))
