#!/bin/bash
# cpu_inputs.sh SVMCHECK SHARED_DIR PROFILES_DIR
#
# CPU arguments as users give them: a libcpuid dump read exactly once (from
# standard input, a process substitution, a FIFO that can be read only once),
# the bare-word rule (a bundled name is never replaced by a file of the same
# name in the working directory), `profile list` over FIFOs and hundreds of
# profiles, and no terminal control byte from a profile reaching the terminal.
set -u
bin=$1 shared=$2 profiles=$3
dump=$shared/profiles-data/milan-epyc-7713.test
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SVMCHECK_PROFILE_PATH=$profiles LC_ALL=C NO_COLOR=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# svm present and the Milan identity: the dump was read whole
milan() { grep -q 'EPYC 7713' "$1" && grep -q 'svm .*present' "$1"; }

# ---- a libcpuid dump read once --------------------------------------------
timeout 20 "$bin" profile show /dev/stdin < "$dump" > "$T/out" 2> "$T/err" ||
	bad "/dev/stdin: $(cat "$T/err")"
milan "$T/out" || bad "/dev/stdin: not read whole"
timeout 20 "$bin" profile show <(cat "$dump") > "$T/out" 2> "$T/err" ||
	bad "<(...): $(cat "$T/err")"
milan "$T/out" || bad "<(...): not read whole"
mkfifo "$T/once.test"
(cat "$dump" > "$T/once.test") &
timeout 20 "$bin" profile show "$T/once.test" > "$T/out" 2> "$T/err"
rc=$?
[ $rc = 0 ] || bad "FIFO read once: exit $rc $(cat "$T/err")"
milan "$T/out" || bad "FIFO read once: not read whole"
wait
# no private copy left behind
[ -z "$(ls "${TMPDIR:-/tmp}" | grep '^svmcheck-[A-Za-z0-9]\{6\}$' | while read -r d; do
	[ -O "${TMPDIR:-/tmp}/$d" ] && [ -f "${TMPDIR:-/tmp}/$d/dump" ] && echo "$d"; done)" ] ||
	bad "a private libcpuid copy was left in ${TMPDIR:-/tmp}"

[ $fail = 0 ] && echo "ok cpu_inputs"
exit $fail
