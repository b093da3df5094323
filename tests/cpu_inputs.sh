#!/bin/bash
# cpu_inputs.sh SVMCHECK CPUID_DUMPS_DIR PROFILES_DIR
#
# CPU arguments as users give them: a libcpuid dump read exactly once (from
# standard input, a process substitution, a FIFO that can be read only once),
# the bare-word rule (a bundled name is never replaced by a file of the same
# name in the working directory), `profile list` over FIFOs and hundreds of
# profiles, and no terminal control byte from a profile reaching the terminal.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") dumps=$2 profiles=$(cd "$3" && pwd)
dump=$dumps/milan-epyc-7713.test
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

# ---- a bare word is a profile name, never a file of the working directory --
mkdir "$T/cwd"
cp "$profiles/epyc-rome.json" "$T/cwd/epyc-milan"
(cd "$T/cwd" && "$bin" vectors -c epyc-milan > "$T/out" 2> "$T/err")
rc=$?
[ $rc = 2 ] || bad "file ./epyc-milan beside the bundled name: exit $rc, expected 2"
grep -q "'epyc-milan' is ambiguous: it names the profile .*/epyc-milan.json and the file ./epyc-milan" \
	"$T/err" || bad "ambiguous name: message does not name both: $(cat "$T/err")"
(cd "$T/cwd" && "$bin" vectors -c ./epyc-milan > "$T/out" 2> "$T/err") ||
	bad "./epyc-milan: $(cat "$T/err")"
grep -q 'CPU epyc-rome$' "$T/out" || bad "./epyc-milan did not read the file"
(cd "$T/cwd" && mv epyc-milan rome && "$bin" vectors -c rome > "$T/out" 2> "$T/err")
rc=$?
[ $rc = 2 ] && grep -q 'write ./rome' "$T/err" || bad "bare word naming only a file: exit $rc $(cat "$T/err")"
(cd "$T/cwd" && mv rome rome.json && "$bin" vectors -c rome.json > "$T/out" 2> "$T/err") ||
	bad "a file with an extension: $(cat "$T/err")"
(cd "$T/cwd" && "$bin" migrate -q --from epyc-milan --to epyc-rome)
[ $? = 1 ] || bad "migrate epyc-milan -> epyc-rome is not 'incompatible' (exit 1)"

# ---- profile list: no FIFO opened, no entry limit ----------------------------
mkdir "$T/many"
for i in $(seq 1 300); do
	sed 's/"name": *"[^"]*"/"name": "p'"$i"'"/' "$profiles/epyc-rome.json" > "$T/many/p$i.json"
done
mkfifo "$T/many/zz-fifo.json"
SVMCHECK_PROFILE_PATH=$T/many:$profiles timeout 20 "$bin" profile list > "$T/out" 2> "$T/err"
rc=$?
[ $rc = 2 ] || bad "profile list with a FIFO: exit $rc, expected 2 (124: it blocked)"
grep -q 'zz-fifo.json: a FIFO, not a profile file: skipped' "$T/err" ||
	bad "profile list: the FIFO is not reported: $(cat "$T/err")"
[ "$(grep -c '^p[0-9]' "$T/out")" = 300 ] || bad "profile list: not all 300 profiles listed"
grep -q '^epyc-milan ' "$T/out" || bad "profile list: bundled profiles hidden behind 300 others"

# ---- no terminal control byte from an input reaches the terminal -----------
esc=$(printf '\033')
bel=$(printf '\007')
mkdir "$T/esc"
sed -e 's/"name": *"[^"]*"/"name": "evil\\u001b]0;pwned\\u0007"/' \
	-e 's/"description": *"[^"]*"/"description": "d\\u001b[2J\\u009b"/' \
	"$profiles/epyc-rome.json" > "$T/esc/evil.json"
for cmd in "profile show $T/esc/evil.json" "vectors -c $T/esc/evil.json" "profile list"; do
	# shellcheck disable=SC2086
	SVMCHECK_PROFILE_PATH=$T/esc "$bin" $cmd > "$T/out" 2> "$T/err"
	if grep -q "[$esc$bel]" "$T/out" "$T/err"; then
		bad "'$cmd' copies ESC or BEL to the terminal"
	fi
done
SVMCHECK_PROFILE_PATH=$T/esc "$bin" profile show "$T/esc/evil.json" > "$T/out"
grep -q 'evil?]0;pwned?' "$T/out" || bad "profile show: the name is not shown with '?' for control bytes"
SVMCHECK_PROFILE_PATH=$T/esc "$bin" -j profile show "$T/esc/evil.json" > "$T/out"
grep -q '"name":"evil\\u001b\]0;pwned\\u0007"' "$T/out" || bad "profile show -j: the name is not escaped exactly"
printf '{"type":"vmcb","\\u001b]0;x\\u0007":1}\n' > "$T/esc/rec.json"
"$bin" replay -c epyc-milan "$T/esc/rec.json" > "$T/out" 2> "$T/err"
grep -q "[$esc$bel]" "$T/err" && bad "a JSON reader message copies ESC or BEL to the terminal"
grep -q '?]0;x?' "$T/err" || bad "a JSON reader message does not show the key with '?': $(cat "$T/err")"
sed 's/"vendor": *"AuthenticAMD"/"vendor": "AuthenticAMD\\u0000x"/' "$profiles/epyc-milan.json" > "$T/esc/nul.json"
"$bin" profile show "$T/esc/nul.json" > "$T/out" 2> "$T/err"
rc=$?
[ $rc = 2 ] && grep -q '"vendor" holds a NUL character' "$T/err" ||
	bad "a vendor string with a NUL: exit $rc $(cat "$T/err")"

[ $fail = 0 ] && echo "ok cpu_inputs"
exit $fail
