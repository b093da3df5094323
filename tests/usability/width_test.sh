#!/bin/sh
# width_test.sh - text output fits the width (80 columns, or $COLUMNS on a
# terminal): no line of any command's text output is wider.
#   1. every CLI case in tests/cases whose output is text (no -j/-p/--json/
#      --pretty/--to), run as the case runs it (stdout a file, COLUMNS=100:
#      a file gets 80 whatever COLUMNS says);
#   2. every command on the test inputs: checks (each model), vectors and
#      profile show (each bundled profile), profile list, migrate (each
#      bundled CPU to the next), matrix (the bundled CPUs), replay and
#      inspect (each fixture input);
#   3. on a terminal (script(1), when installed) with COLUMNS=60: lines fit 60.
# Colour sequences take no column; a UTF-8 character takes one.
# Usage: width_test.sh SVMCHECK_BINARY TESTS_DIR
set -u
BIN=$(realpath "$1") TESTS=$(realpath "$2")
FIX=$TESTS/fixtures
fails=0 runs=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_width WIDTH WHAT FILE
check_width() {
	bad=$(sed 's/\x1b\[[0-9;]*m//g' "$3" | LC_ALL=C.UTF-8 awk -v w="$1" '
		{ n = length($0) } n > w { printf "line %d has %d columns: %s\n", NR, n, substr($0, 1, 100); exit }')
	runs=$((runs + 1))
	if [ -n "$bad" ]; then
		echo "FAIL: $2: $bad"
		fails=$((fails + 1))
	fi
}

# run WHAT ARGS...: stdout into $tmp/out, checked against 80
run() {
	what=$1
	shift
	(cd "$tmp" && NO_COLOR=1 COLUMNS=100 "$BIN" "$@" > "$tmp/out" 2> /dev/null < /dev/null)
	check_width 80 "svmcheck $what" "$tmp/out"
}

# ---- 1. the CLI cases ----
for args in "$TESTS"/cases/*/*/args; do
	dir=${args%/args}
	if grep -qxE -- '-j|-p|--json|--pretty|--to|--to=raw|-[a-z]*[jp][a-z]*' "$args"; then
		continue
	fi
	stdin=/dev/null
	[ -f "$dir/stdin" ] && stdin=$dir/stdin
	sed -e "s|@FIXTURES@|$FIX|g" -e "s|@CASE@|$dir|g" "$args" > "$tmp/argv"
	set --
	while IFS= read -r a || [ -n "$a" ]; do set -- "$@" "$a"; done < "$tmp/argv"
	(cd "$dir" && NO_COLOR=1 COLUMNS=100 "$BIN" "$@" < "$stdin" > "$tmp/out" 2> /dev/null)
	check_width 80 "case ${dir#"$TESTS"/cases/}" "$tmp/out"
done

# ---- 2. every command on the test inputs ----
models=$("$BIN" __complete models)
profiles=$("$BIN" profile list -j | grep -o '"name":"[^"]*"' | cut -d'"' -f4)
[ -n "$profiles" ] || { echo "FAIL: no bundled profiles"; fails=$((fails + 1)); }
run "checks" checks
for m in $models; do
	run "checks -m $m" checks -m "$m"
done
run "profile list" profile list
prev=
for p in $profiles; do
	run "profile show $p" profile show "$p"
	run "vectors -c $p" vectors -c "$p"
	[ -n "$prev" ] && run "migrate --from $prev --to $p" migrate --from "$prev" --to "$p"
	prev=$p
done
run "matrix (bundled)" matrix $profiles
run "matrix --from-file" matrix --from-file "$FIX/fleet/fleet-2000.txt"
for f in $(find "$FIX/raw" "$FIX/kvm" "$FIX/xen" "$FIX/json" "$FIX/hex" -type f | sort); do
	run "replay $f" replay -c epyc-rome "$f"
	run "replay -m kvm-v1 $f" replay -m kvm-v1 -c epyc-milan "$f"
	run "inspect $f" inspect "$f"
	run "migrate records $f" migrate --from epyc-rome --to epyc-genoa "$f"
done

# ---- 3. a terminal of 60 columns ----
if command -v script > /dev/null 2>&1 && script -qec true /dev/null > /dev/null 2>&1; then
	for c in "checks" "migrate --from epyc-rome --to epyc-milan" \
		"replay -c epyc-rome $FIX/raw/dump25.bin" "profile list"; do
		COLUMNS=60 NO_COLOR=1 script -qec "stty cols 60 2>/dev/null; $BIN $c" /dev/null \
			< /dev/null | tr -d '\r' > "$tmp/out"
		check_width 60 "$c on a 60-column terminal" "$tmp/out"
	done
	# a terminal follows COLUMNS: a 60-column listing is not the file's
	COLUMNS=60 NO_COLOR=1 script -qec "$BIN checks" /dev/null < /dev/null | tr -d '\r' > "$tmp/tty"
	"$BIN" checks > "$tmp/file"
	if cmp -s "$tmp/tty" "$tmp/file"; then
		echo "FAIL: COLUMNS=60 on a terminal changed nothing"
		fails=$((fails + 1))
	fi
else
	echo "note: script(1) cannot run here: the terminal checks are skipped"
fi

echo "$runs outputs checked"
[ $fails -ne 0 ] && { echo "$fails outputs too wide"; exit 1; }
echo "every text line fits"
