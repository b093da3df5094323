#!/bin/bash --norc
# completion_test.sh - drive src/completion/svmcheck.bash the way bash does
# (COMP_WORDS, COMP_CWORD, then the function) in a clean `bash --norc`,
# without the bash-completion package, and compare COMPREPLY with the
# expected words worked out from the CLI (commands, models, formats, the
# bundled profile names in profiles/); then against a svmcheck that knows one
# more command, format, model and option than the real one, to prove that
# every list comes from the binary (`svmcheck __complete WHAT`, `--help`),
# not from the completion file.
# Usage: completion_test.sh COMPLETION_FILE SVMCHECK_BINARY PROFILES_DIR
set -u
COMPLETION=$(realpath "$1") BIN=$(realpath "$2") PROFILES=$(realpath "$3")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/svmcheck-compl.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/bin" "$TMP/work"
ln -s "$BIN" "$TMP/bin/svmcheck"
export PATH="$TMP/bin:$PATH" SVMCHECK_PROFILE_PATH=$PROFILES
cd "$TMP/work" || exit 2
: >foo.bin
: >fleet.txt
# shellcheck source=/dev/null
. "$COMPLETION" || { echo "FAIL: cannot source $COMPLETION"; exit 1; }
complete -p svmcheck >/dev/null || { echo "FAIL: no completion registered for svmcheck"; exit 1; }

fails=0
# expect "WANT (sorted, space-separated)" WORD... (the last word is the one completed)
expect()
{
	local want=$1 got
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_svmcheck 2>/dev/null
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	got=${got% }
	if [[ $got == "$want" ]]; then
		echo "ok: [$*] -> [$got]"
	else
		echo "FAIL: [$*] -> [$got], want [$want]"
		fails=$((fails + 1))
	fi
}

expect "replay" svmcheck re
expect "checks" svmcheck ch
expect "baseline checks diff help inspect matrix migrate profile replay summary vectors" svmcheck ""
expect "replay" svmcheck help rep
expect "" svmcheck zz
expect "all apm bochs kvm kvm-legacy kvm-v1 qemu qemu-7.2 xen" svmcheck replay -m ""
expect "kvm,kvm-legacy kvm,kvm-v1" svmcheck replay -m kvm,kvm-
expect "kvm-legacy kvm-v1" svmcheck replay --model = kvm-
expect "kvm-legacy kvm-v1" svmcheck migrate --from-model kvm-
expect "" svmcheck replay -m z
expect "all apm bochs kvm kvm-legacy kvm-v1 qemu qemu-7.2 xen" svmcheck diff -m ""
expect "kvm,all kvm,apm" svmcheck diff --model = kvm,a
expect "kvm,apm,kvm-legacy kvm,apm,kvm-v1" svmcheck diff -m kvm,apm,kvm-
expect "foo.bin" svmcheck diff -c epyc-milan fo
expect "foo.bin" svmcheck summary fo
expect "epyc-milan" svmcheck replay -c epyc-m
expect "epyc-milan" svmcheck -j vectors --cpu = epyc-m
expect "qemu-EPYC-Rome-v4 qemu-EPYC-Rome-v5" svmcheck profile show qemu-EPYC-R
expect "host hygon-dhyana" svmcheck matrix h
expect "fleet.txt foo.bin" svmcheck matrix f
expect "epyc-rome" svmcheck baseline -m kvm epyc-milan epyc-ro
expect "epyc-milan" svmcheck baseline -o f.json epyc-mil
expect "" svmcheck replay -c epyc-genoa,-sh
expect "kvm-dump" svmcheck inspect -f kv
expect "hex" svmcheck replay --format = h
expect "nested-state raw" svmcheck inspect --to = ""
expect "nested-state" svmcheck inspect --to = n
expect "epyc-rome" svmcheck migrate --from epyc-milan --to epyc-ro
expect "always auto" svmcheck --color = a
expect "never" svmcheck vectors --color = n
# replay --run: the emulators
expect "bochs qemu" svmcheck replay --run ""
expect "qemu" svmcheck replay --run = q
expect "capture import list show" svmcheck profile ""
expect "foo.bin" svmcheck profile import fo
expect "--kvm" svmcheck profile capture --kv
expect "--kvm" svmcheck profile capture -o f.json --k
expect "foo.bin" svmcheck replay -c epyc-milan fo
expect "fleet.txt foo.bin" svmcheck replay -o f
expect "" svmcheck replay -t ""
expect "--strict" svmcheck migrate --st
expect "--progress" svmcheck replay --pro
expect "--no-progress" svmcheck replay --no
expect "--from-file= --from=" svmcheck matrix --from
expect "--from-file=" svmcheck matrix --from-f
expect "--from-file=" svmcheck baseline --from-f
expect "fleet.txt foo.bin" svmcheck baseline --from-file f
expect "--json" svmcheck --js
expect "--json" svmcheck checks --js

expect "auto hex jailhouse json kvm-dump nested-state raw trace xen-dump" svmcheck replay -f ""
expect "" svmcheck __
expect "" svmcheck zz --
expect "--to-guest= --to-kernel= --to-model= --to=" svmcheck migrate --to

# The same completion file with a svmcheck whose registries hold one more row each.
mkdir "$TMP/fake"
cat >"$TMP/fake/svmcheck" <<EOF
#!/bin/sh
case "\$*" in
"__complete commands") "$BIN" "\$@" && echo frobnicate ;;
"__complete formats") "$BIN" "\$@" && echo qemu-trace ;;
"__complete models") "$BIN" "\$@" && echo kvm-next ;;
"replay --help") "$BIN" "\$@" && echo "      --brand-new=X          an option added later" ;;
*) exec "$BIN" "\$@" ;;
esac
EOF
chmod +x "$TMP/fake/svmcheck"
PATH="$TMP/fake:$PATH"
expect "frobnicate" svmcheck fro
expect "qemu-trace" svmcheck inspect -f qemu
expect "qemu-trace" svmcheck replay --format = q
expect "kvm-next" svmcheck vectors -m kvm-n
expect "kvm-next" svmcheck migrate --to-model kvm-n
expect "--brand-new=" svmcheck replay --bra
expect "" svmcheck inspect --bra

[[ $fails == 0 ]] && echo "all completion checks passed" && exit 0
echo "$fails completion checks failed"
exit 1
