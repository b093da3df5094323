#!/bin/sh
# inspect_roundtrip.sh SVMCHECK FIXTURES_DIR
#
# inspect -j writes what a record is, and the JSON reader keeps it
# (svmcheck-inspect(1), svmcheck-json(5)): for raw pages, KVM and Xen dumps
# and KVM_GET_NESTED_STATE blobs,
#   - every record of `inspect -j X` has the origin X's reader gives it;
#   - `inspect -j -f json` of that JSON writes the same records again
#     (origin, nested_state, control, save, reserved: all but where each
#     record was read);
#   - `inspect -j X | replay -` judges every record exactly as `replay X`
#     (verdicts, failures, summary and exit status), under the default
#     model and under apm;
#   - the JSON converts back to the same bytes: blobs byte for byte with
#     --to nested-state, pages with --to raw;
# and, so that the comparison can fail, a blob's JSON without its origin and
# header is judged differently (as a page) from the blob.
set -u
bin=$1 fix=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C NO_COLOR=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# where a record was read (input, index, line or offset, format) differs by design
where() { sed 's/"input":"[^"]*","index":[0-9]*,"\(line\|offset\)":[0-9]*,"format":"[^"]*",//' "$1"; }

ns=$fix/nested_state_inspect
cat "$ns/l2_running.bin" "$ns/not_guest.bin" "$ns/unknown_flag.bin" "$fix/raw/nested.bin" \
	> "$T/blobs.bin"

# INPUT ORIGIN BINARY (raw, nested-state, or - for text dumps)
while read -r input origin binary; do
	x=$fix/$input
	[ -f "$x" ] || x=$T/$input
	"$bin" inspect -j "$x" > "$T/a.json" 2> "$T/err" || bad "$input: inspect -j: $(cat "$T/err")"
	n=$(grep -c '"type":"vmcb"' "$T/a.json")
	[ "$n" -gt 0 ] || bad "$input: no record"
	[ "$(grep -c "\"type\":\"vmcb\",.*\"origin\":\"$origin\"," "$T/a.json")" = "$n" ] ||
		bad "$input: not every record has origin $origin"
	"$bin" inspect -j -f json "$T/a.json" > "$T/b.json" 2> "$T/err" ||
		bad "$input: inspect -j -f json: $(cat "$T/err")"
	where "$T/a.json" > "$T/a.rec"
	where "$T/b.json" > "$T/b.rec"
	cmp -s "$T/a.rec" "$T/b.rec" || bad "$input: JSON read back is not the same: $(diff "$T/a.rec" "$T/b.rec" | head -4)"
	for m in "" "-m apm"; do
		# shellcheck disable=SC2086
		"$bin" replay -c epyc-milan $m -j "$x" > "$T/r1" 2> /dev/null
		rc1=$?
		# shellcheck disable=SC2086
		"$bin" replay -c epyc-milan $m -j - < "$T/a.json" > "$T/r2" 2> /dev/null
		rc2=$?
		[ $rc1 = $rc2 ] || bad "$input ${m:-default model}: replay exits $rc1, through JSON $rc2"
		where "$T/r1" > "$T/r1.rec"
		where "$T/r2" > "$T/r2.rec"
		cmp -s "$T/r1.rec" "$T/r2.rec" ||
			bad "$input ${m:-default model}: replay differs through JSON: $(diff "$T/r1.rec" "$T/r2.rec" | head -4)"
	done
	case $binary in
	raw | nested-state)
		"$bin" inspect -q -f json --to "$binary" -o "$T/back.bin" "$T/a.json" 2> "$T/err" ||
			bad "$input: --to $binary: $(cat "$T/err")"
		cmp -s "$x" "$T/back.bin" || bad "$input: --to $binary does not give the input back"
		;;
	*)
		# text dumps: the pages from the dump and from its JSON are the same
		"$bin" inspect -q --to raw -o "$T/p1.bin" "$x" 2> /dev/null
		"$bin" inspect -q -f json --to raw -o "$T/p2.bin" "$T/a.json" 2> /dev/null
		cmp -s "$T/p1.bin" "$T/p2.bin" || bad "$input: --to raw differs through JSON"
		;;
	esac
done << 'LIST'
raw/longmode.bin page raw
raw/dump25.bin page raw
kvm/two_dumps.log hardware -
xen/sample.txt hardware -
raw/nested.bin nested_state nested-state
nested_state_inspect/l2_running.bin nested_state nested-state
nested_state_inspect/not_guest.bin nested_state nested-state
nested_state_inspect/unknown_flag.bin nested_state nested-state
blobs.bin nested_state nested-state
LIST

# the comparison can fail: without origin and header the blob is a page
"$bin" replay -c epyc-milan -j "$ns/unknown_flag.bin" > "$T/r1" 2> /dev/null
"$bin" inspect -j "$ns/unknown_flag.bin" |
	sed 's/"origin":"nested_state","nested_state":{[^}]*},//' |
	"$bin" replay -c epyc-milan -j - > "$T/r2" 2> /dev/null
where "$T/r1" > "$T/r1.rec"
where "$T/r2" > "$T/r2.rec"
cmp -s "$T/r1.rec" "$T/r2.rec" && bad "unknown_flag.bin judged the same with and without its header"
[ $fail = 0 ] && echo "ok: inspect round trips"
exit $fail
