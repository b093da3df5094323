#!/bin/sh
# help_test.sh - how a person asks for help, and what a typo gets:
#   -h is --help (top level and every command); `svmcheck help [COMMAND]`
#   prints the same text as `svmcheck [COMMAND] --help`; bare `svmcheck`
#   prints that help on stdout and exits 2 (a usage error, as git and ip
#   treat a bare call); a mistyped command, profile verb, model or format
#   gets "did you mean"; `--color WHEN` works as `--color=WHEN`; standard
#   input is <stdin> in messages.
# Usage: help_test.sh SVMCHECK_BINARY FIXTURES_DIR
set -u
BIN=$1 FIX=$2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same_out WHAT WANT_RC CMD... : stdout of CMD equals $tmp/want, exit status WANT_RC
same_out() {
	what=$1 want_rc=$2
	shift 2
	"$@" > "$tmp/got" 2> "$tmp/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "$what: exit status $rc, expected $want_rc"
	elif ! cmp -s "$tmp/want" "$tmp/got"; then
		fail "$what: output differs"; diff "$tmp/want" "$tmp/got" | head -5
	else
		ok "$what"
	fi
}

"$BIN" --help > "$tmp/want" || fail "svmcheck --help fails"
grep -q '^  help ' "$tmp/want" || fail "svmcheck --help does not list the help command"
same_out "svmcheck -h" 0 "$BIN" -h
same_out "svmcheck help" 0 "$BIN" help
same_out "bare svmcheck" 2 "$BIN"
cmds=$("$BIN" __complete commands | grep -vx help)
[ -n "$cmds" ] || fail "no commands from __complete"
for c in $cmds; do
	"$BIN" "$c" --help > "$tmp/want" || fail "svmcheck $c --help fails"
	same_out "svmcheck $c -h" 0 "$BIN" "$c" -h
	same_out "svmcheck help $c" 0 "$BIN" help "$c"
done

# expect_err WHAT REGEX CMD...: exit status 2 and REGEX on stderr
expect_err() {
	what=$1 re=$2
	shift 2
	"$@" > /dev/null 2> "$tmp/err"
	rc=$?
	if [ "$rc" != 2 ]; then
		fail "$what: exit status $rc, expected 2"
	elif ! grep -Eq -- "$re" "$tmp/err"; then
		fail "$what: stderr lacks /$re/:"; cat "$tmp/err"
	else
		ok "$what"
	fi
}
expect_err "mistyped command" "unknown command 'profle'; did you mean 'profile'\\?" \
	"$BIN" profle list
expect_err "help of a mistyped command" "unknown command 'replya'; did you mean 'replay'\\?" \
	"$BIN" help replya
expect_err "mistyped profile verb" "unknown profile command 'lsit'; did you mean 'list'\\?" \
	"$BIN" profile lsit
expect_err "model in capitals" "unknown model 'KVM'; did you mean 'kvm'\\?" \
	"$BIN" checks -m KVM
expect_err "mistyped model" "unknown model 'kvm-legcy'; did you mean 'kvm-legacy'\\?" \
	"$BIN" replay -m kvm-legcy -c epyc-milan "$FIX/raw/longmode.bin"
expect_err "mistyped format" "unknown format 'rwa'; did you mean 'raw'\\?" \
	"$BIN" replay -f rwa -c epyc-milan "$FIX/raw/longmode.bin"
expect_err "nothing close" "unknown command 'zzzzzz'$" "$BIN" zzzzzz

# --color WHEN (a space) is --color=WHEN
"$BIN" replay --color=always -c epyc-milan "$FIX/raw/dump25.bin" > "$tmp/want"
grep -q "$(printf '\033')" "$tmp/want" || fail "--color=always printed no colour"
same_out "--color always" 1 "$BIN" replay --color always -c epyc-milan "$FIX/raw/dump25.bin"
"$BIN" --color=never checks > "$tmp/want"
same_out "svmcheck --color never checks" 0 "$BIN" --color never checks

# standard input is <stdin>
"$BIN" replay -c epyc-milan - < "$FIX/raw/dump25.bin" > "$tmp/got" 2>&1
grep -q '^<stdin>#0 (offset 0)' "$tmp/got" && ok "replay names stdin <stdin>" ||
	fail "replay does not name stdin <stdin>: $(head -1 "$tmp/got")"
printf 'not a dump\n' | "$BIN" replay -c epyc-milan - > /dev/null 2> "$tmp/err"
grep -q '^svmcheck: <stdin>: ' "$tmp/err" && ok "errors name stdin <stdin>" ||
	fail "errors do not name stdin <stdin>: $(cat "$tmp/err")"
if grep -q -- '-#0\|^svmcheck: -:' "$tmp/got" "$tmp/err"; then fail "a '-' name is left"; fi

[ $fails -ne 0 ] && { echo "$fails checks failed"; exit 1; }
echo "all help checks passed"
