#!/bin/sh
# one_error.sh SVMCHECK JSONCHECK MAN_DIR FIXTURES_DIR
#
# Every error case of the CLI, under -j: exit status exactly 2, one line
# "svmcheck: ..." on stderr, and on stdout exactly one JSON error object of
# the one shape ({"type":"error","code",...,"message",...}) whose code is the
# expected snake_case token and is listed in the "Error codes" table of
# svmcheck-json(5) (jsoncheck one-error checks the object).  A case that writes
# -o onto one of its inputs must also leave that input unchanged.
set -u
BIN=$1 JC=$2 MAN=$3 FIX=$4
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
LC_ALL=C NO_COLOR=1
export LC_ALL NO_COLOR
fails=0 n=0

# the codes of the man page's table
codes=$(sed -n '/^\.SS Error codes/,/^\.TE/p' "$MAN/svmcheck-json.5" | grep '@' | cut -d@ -f1)
[ -n "$codes" ] || { echo "FAIL: no Error codes table in svmcheck-json(5)"; exit 1; }

cp "$FIX/raw/longmode.bin" x.bin
cp "$FIX/raw/longmode.bin" x.orig
mkdir adir
printf 'not a profile\n' > bad-profile.txt
for p in "${SVMCHECK_PROFILE_PATH:-}"/epyc-milan.json; do
	[ -f "$p" ] && cp "$p" p.json && cp "$p" p.orig
done
[ -f p.json ] || { echo "FAIL: no epyc-milan.json under SVMCHECK_PROFILE_PATH"; exit 1; }

# expect CODE WHAT ARG...: run `svmcheck ARG...`; UNCHANGED=FILE also compares
# FILE with FILE's copy .orig afterwards
expect() {
	want=$1 what=$2
	shift 2
	n=$((n + 1))
	"$BIN" "$@" < /dev/null > out 2> err
	rc=$?
	bad=''
	[ "$rc" = 2 ] || bad="$bad exit $rc, not 2;"
	got=$("$JC" one-error --code "$want" < out 2> jc.err) || bad="$bad $(tr '\n' ' ' < jc.err);"
	if [ -n "$got" ] && ! printf '%s\n' "$codes" | grep -qx -- "$got"; then
		bad="$bad code $got is not in svmcheck-json(5);"
	fi
	[ "$(grep -c '^svmcheck: ' err)" -ge 1 ] || bad="$bad no 'svmcheck: ' line on stderr;"
	if [ -n "${UNCHANGED:-}" ] && ! cmp -s "$UNCHANGED" "${UNCHANGED%.*}.orig"; then
		bad="$bad $UNCHANGED was changed;"
	fi
	if [ -n "$bad" ]; then
		echo "FAIL: $what (svmcheck $*):$bad"
		sed 's/^/  stdout: /' out | head -5
		sed 's/^/  stderr: /' err | head -5
		fails=$((fails + 1))
	else
		echo "ok: $what: $want"
	fi
}

M=epyc-milan
expect io_error "missing input (inspect)" -j inspect nope.bin
expect io_error "missing input (replay)" -j replay -c $M nope.bin
expect io_error "directory as input (inspect)" -j inspect adir
expect io_error "directory as input (replay)" -j replay -c $M adir
expect bad_format "bad profile file (vectors)" -j vectors -c bad-profile.txt
expect bad_format "bad profile file (replay)" -j replay -c bad-profile.txt x.bin
expect not_found "unknown CPU (vectors)" -j vectors -c no-such-cpu
expect not_found "unknown CPU (replay)" -j replay -c no-such-cpu x.bin
expect not_found "unknown CPU (profile show)" -j profile show no-such-cpu
UNCHANGED=x.bin expect usage "inspect X -o X" -j inspect x.bin -o x.bin
UNCHANGED=x.bin expect usage "inspect X -o ./X (same file, other name)" -j inspect x.bin -o ./x.bin
UNCHANGED=x.bin expect usage "replay X -o X" -j replay -c $M x.bin -o x.bin
UNCHANGED=x.bin expect usage "replay X -o X (-j after the command)" replay -c $M x.bin -o "$TMP/x.bin" -j
expect usage "unknown -m (replay)" -j replay -c $M -m no-such-model x.bin
expect usage "unknown -m (vectors)" -j vectors -c $M -m no-such-model
expect usage "unknown -m (checks)" -j checks -m no-such-model
expect usage "unknown -m (migrate)" -j migrate -m no-such-model --from $M --to $M
expect usage "unknown -m (matrix)" -j matrix -m no-such-model $M
expect usage "replay -t 0" -j replay -t 0 x.bin
expect usage "replay -t 0 (-j after the command)" replay -t 0 -j x.bin
expect usage "replay -f unknown" -j replay -c $M -f no-such-format x.bin
expect usage "inspect --to json" -j inspect --to json -o y.bin x.bin
UNCHANGED=p.json expect usage "profile import F -o F" -j profile import p.json -o p.json
UNCHANGED=p.json expect usage "profile import F -o ./F" -j profile import p.json -o ./p.json
expect not_found "migrate with an unknown CPU (--from)" -j migrate --from no-such-cpu --to $M
expect not_found "migrate with an unknown CPU (--to)" -j migrate --from $M --to no-such-cpu
# an unknown CPU in matrix is a rejected host inside the matrix document (tests/cases/matrix)
expect usage "matrix --from a host not in the fleet" -j matrix --from no-such-host $M
expect io_error "matrix --from-file a missing file" -j matrix --from-file no-such-file $M

echo "$((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
