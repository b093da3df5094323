#!/bin/sh
# run.sh CASE_DIR SVMCHECK JSONCHECK TESTS_DIR
#
# One item of the bad-input catalogue (no input crashes, hangs or grows memory).  A
# case is a folder tests/catalogue/<item>/ with a file `case`, one KEY VALUE
# per line (@CASE@ @TMP@ @FIXTURES@ are substituted in values):
#   what    TEXT        what the item is (shown on failure)
#   kind    input|profile
#   gen     SHELL       run before the case with $TMP, $CASE, $FIXTURES set
#                       (big inputs are generated here, never committed)
#   bad     PATH|CPU    the bad input (kind input) or CPU argument (profile)
#   format  FMT         -f FMT for every command (kind input)
#   good    PATH VERDICT the good input given beside the bad one (default
#                       @FIXTURES@/raw/longmode.bin VMRUN)
#   pos     line N | offset N | none   the position the error must name
#   stderr  ERE         must match a line of stderr (every command; repeatable)
#   rss     KIB         peak RSS bound of every command
#   root    skip        skip when run as root (permissions do not bind root)
#   bug     TEXT        a known bug outside the catalogue's files: when the
#                       case fails it is reported as skipped (77) with TEXT
#   model   NAME        kind model: the unknown model name given to -m
#
# kind input runs `replay -c epyc-milan BAD GOOD`, the same with -j, `-o FILE`,
# `inspect BAD GOOD` and `inspect -j`.  Each must exit exactly 2 within 60 s,
# name BAD and the position on stderr, still give GOOD its verdict (text and
# NDJSON, every line a complete JSON object checked by jsoncheck), leave BAD
# and GOOD unchanged (checksum and mtime) and, with -o, leave exactly the
# output file and no temporary beside it.
# kind profile runs `vectors -c BAD` (text and -j), `replay -c BAD GOOD` and,
# when built, `migrate --from BAD --to epyc-milan`: exit 2, stderr regexes;
# `pos` is checked on vectors and replay ("BAD:N: ..." / "-c BAD:N: ...").
# kind model runs `checks -m NAME`, `vectors -c epyc-milan -m NAME` and
# `replay -c epyc-milan -m NAME GOOD`: exit 2, stderr regexes.
set -u
case_dir=$1 bin=$2 jc=$3 tests=$4
fixtures=$tests/fixtures
TMP=$(mktemp -d)
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
CASE=$case_dir FIXTURES=$fixtures
export TMP CASE FIXTURES
fail=0
LC_ALL=C NO_COLOR=1
export LC_ALL NO_COLOR

subst() {
	printf '%s\n' "$1" | sed -e "s|@FIXTURES@|$fixtures|g" \
		-e "s|@CASE@|$case_dir|g" -e "s|@TMP@|$TMP|g"
}

what='' kind=input bad='' format='' good="$fixtures/raw/longmode.bin" verdict=VMRUN
pos=none rss=262144 root='' bug='' model=''
regexes=$TMP/.regexes
: > "$regexes"
while IFS= read -r l || [ -n "$l" ]; do
	case $l in ''|'#'*) continue ;; esac
	key=${l%% *} val=${l#* }
	[ "$key" = "$l" ] && val=''
	case $key in
	what) what=$val ;;
	kind) kind=$val ;;
	gen) (cd "$TMP" && sh -c "$val") || { echo "gen failed: $val"; exit 1; } ;;
	bad) bad=$(subst "$val") ;;
	format) format=$val ;;
	good) good=$(subst "${val% *}") verdict=${val##* } ;;
	pos) pos=$val ;;
	stderr) printf '%s\n' "$val" >> "$regexes" ;;
	rss) rss=$val ;;
	root) root=$val ;;
	bug) bug=$val ;;
	model) model=$val ;;
	*) echo "unknown key '$key' in $case_dir/case"; exit 1 ;;
	esac
done < "$case_dir/case"

if [ "$root" = skip ] && [ "$(id -u)" = 0 ]; then
	echo "skipped: $what (file permissions do not bind root)"
	exit 77
fi

# A fingerprint of the inputs: nothing may write to them.
fingerprint() {
	for f in "$bad" "$good"; do
		case $f in /proc/* | /sys/*) continue ;; esac # change on every read
		if [ -f "$f" ] && [ -r "$f" ]; then
			printf '%s %s\n' "$(cksum < "$f")" "$(stat -c '%Y %s' "$f")"
		fi
	done
}
before=$(fingerprint)

out=$TMP/.out err=$TMP/.err rssf=$TMP/.rss
# run LABEL ARGS...: svmcheck ARGS under jsoncheck run, then the common checks
run() {
	label=$1
	shift
	"$jc" run 60 "$rssf" -- "$bin" "$@" < /dev/null > "$out" 2> "$err"
	rc=$?
	if [ "$rc" != 2 ]; then
		echo "[$label] exit status $rc, expected 2 ($what)"; cat "$err"; fail=1
	fi
	peak=$(cat "$rssf" 2>/dev/null || echo 0)
	if [ "$peak" -gt "$rss" ]; then
		echo "[$label] peak RSS $peak KiB above $rss KiB"; fail=1
	fi
	while IFS= read -r re; do
		if ! grep -Eq -- "$re" "$err"; then
			echo "[$label] stderr lacks /$re/:"; head -c 2000 "$err"; fail=1
		fi
	done < "$regexes"
	if grep -q 'AddressSanitizer\|runtime error:' "$err"; then
		echo "[$label] sanitizer report:"; head -c 2000 "$err"; fail=1
	fi
}

# The position as the text diagnostics print it (svmc_diag_format).
pos_re() {
	b=$(printf '%s' "$bad" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
	case $pos in
	line*) printf '%s:%s: ' "$b" "${pos#line }" ;;
	offset*) printf '%s: offset %s ' "$b" "${pos#offset }" ;;
	*) if [ "$kind" = profile ]; then printf '%s' "$b"; else printf '%s: ' "$b"; fi ;;
	esac
}

check_text_pos() {
	re=$(pos_re)
	[ "$kind" = profile ] && [ "$1" = replay ] && [ "$pos" != none ] && re="-c $re"
	if ! grep -Eq -- "$re" "$err"; then
		echo "[$1] stderr does not name the input and position /$re/:"; head -c 2000 "$err"
		fail=1
	fi
}

# The good input's verdict line in replay text output: "GOOD#0 (...)  VERDICT".
check_good_text() {
	if ! awk -v g="$good#0 " -v v="  $verdict" \
		'index($0, g) == 1 && index($0, v) { ok = 1 } END { exit !ok }' "$out"; then
		echo "[$1] stdout lacks '$good#0 ... $verdict':"; head -c 2000 "$out"; fail=1
	fi
}

jpos=$(printf '%s' "$pos" | tr ' ' ':')
fopt=''
[ -n "$format" ] && fopt="-f $format"

if [ "$kind" = input ]; then
	# shellcheck disable=SC2086
	run replay replay -c epyc-milan $fopt "$bad" "$good"
	check_text_pos replay
	check_good_text replay
	cp "$out" "$TMP/.replay.txt"

	run replay-json -j replay -c epyc-milan $fopt "$bad" "$good"
	"$jc" lines --error "$bad" --pos "$jpos" --good "$good" --verdict "$verdict" \
		--summary-errors < "$out" || { echo "[replay-json] ($what)"; fail=1; }

	mkdir "$TMP/.o"
	run replay-o replay -c epyc-milan $fopt -o "$TMP/.o/out.txt" "$bad" "$good"
	if ! cmp -s "$TMP/.o/out.txt" "$TMP/.replay.txt"; then
		echo "[replay-o] -o file differs from stdout of the same run"; fail=1
	fi
	if [ "$(ls -A "$TMP/.o")" != out.txt ]; then
		echo "[replay-o] left beside the output: $(ls -A "$TMP/.o")"; fail=1
	fi

	run inspect inspect $fopt "$bad" "$good"
	check_text_pos inspect
	if ! grep -Fq "$good: record 0," "$out"; then
		echo "[inspect] stdout lacks '$good: record 0,'"; fail=1
	fi

	run inspect-json -j inspect $fopt "$bad" "$good"
	"$jc" lines --error "$bad" --pos "$jpos" --good "$good" --summary-errors < "$out" ||
		{ echo "[inspect-json] ($what)"; fail=1; }
elif [ "$kind" = profile ]; then
	run vectors vectors -c "$bad"
	check_text_pos vectors
	run vectors-json -j vectors -c "$bad"
	"$jc" lines --error "$bad" --pos "$jpos" < "$out" ||
		{ echo "[vectors-json] ($what)"; fail=1; }
	run replay replay -c "$bad" "$good"
	check_text_pos replay
	if "$bin" migrate --help > /dev/null 2>&1; then
		run migrate migrate --from "$bad" --to epyc-milan
	fi
fi
if [ "$kind" = model ]; then
	run checks checks -m "$model"
	run vectors vectors -c epyc-milan -m "$model"
	run replay replay -c epyc-milan -m "$model" "$good"
fi

after=$(fingerprint)
if [ "$before" != "$after" ]; then
	echo "an input changed: before '$before' after '$after'"; fail=1
fi
if [ $fail != 0 ] && [ -n "$bug" ]; then
	echo "KNOWN BUG (reported, not fixed here): $bug"
	exit 77
fi
[ $fail = 0 ] && echo "ok $case_dir: $what"
exit $fail
