#!/bin/bash
# baseline.sh SVMCHECK PROFILES_DIR
#
# svmcheck baseline proven by matrix: for fleets of bundled hosts and every
# model, the baseline written with -o, its QEMU -cpu string and its libvirt
# <cpu> element, each given to `matrix --guest` over the same hosts, put
# them in one class (exit 0); and where baseline says no guest CPU joins
# the hosts (exit 1), matrix --guest finds more than one class.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") profiles=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SVMCHECK_PROFILE_PATH=$profiles LC_ALL=C NO_COLOR=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# the value of a "key": "string" member of baseline's one-line JSON document
member() { sed -n "s/.*\"$1\": *\"\(\([^\"\\\\]\|\\\\.\)*\)\".*/\1/p" "$T/doc"; }

# classes FILE: the class count of matrix's first text line
classes() { sed -n '1s/^\([0-9]*\) class.*/\1/p' "$1"; }

fleets=(
	"epyc-rome epyc-naples hygon-dhyana"
	"epyc-milan epyc-genoa epyc-turin epyc-bergamo epyc-turin-dense epyc-genoa-snp-off"
	"epyc-genoa qemu-EPYC-Rome-v4 EPYC-Milan-v2,pku=off"
	"epyc-rome epyc-milan"
	"epyc-naples epyc-turin hygon-dhyana"
)
proofs=0
models=$("$bin" __complete models)
for hosts in "${fleets[@]}"; do
	for m in $models; do
		# shellcheck disable=SC2086 # hosts is a word list
		"$bin" baseline -m "$m" -o "$T/base.json" -j $hosts > "$T/doc" 2> "$T/err"
		brc=$?
		[ $brc = 0 ] || [ $brc = 1 ] || { bad "baseline -m $m $hosts: exit $brc $(cat "$T/err")"; continue; }
		member libvirt | sed 's/\\n/\n/g' > "$T/cpu.xml"
		qemu=$(member qemu)
		[ -n "$qemu" ] || bad "baseline -m $m $hosts: no qemu string"
		for guest in "$T/base.json" "$qemu" "$T/cpu.xml"; do
			proofs=$((proofs + 1))
			# shellcheck disable=SC2086
			"$bin" matrix -m "$m" --guest "$guest" $hosts > "$T/mx" 2> "$T/err"
			mrc=$?
			n=$(classes "$T/mx")
			if [ $brc = 0 ] && { [ "$n" != 1 ] || [ $mrc != 0 ]; }; then
				bad "-m $m $hosts: baseline says one class, matrix --guest $guest: $n classes, exit $mrc $(cat "$T/err")"
			elif [ $brc = 1 ] && [ "$n" = 1 ]; then
				bad "-m $m $hosts: baseline says apart, matrix --guest $guest: one class"
			fi
		done
	done
done
# the fleets whose verdict is known: Rome lacks EferLmsleUnsupported, Milan
# has it, and KVM makes EFER.LMSLE reserved on a host that reports it,
# whatever the guest CPU says; Milan, Genoa and Turin all report it
"$bin" baseline -q -m kvm epyc-rome epyc-milan
[ $? = 1 ] || bad "rome+milan under kvm: not exit 1"
"$bin" baseline -q -m kvm epyc-milan epyc-genoa epyc-turin ||
	bad "milan+genoa+turin under kvm: not exit 0"
# the text's -cpu lines, pasted into a shell, are the one word of the JSON's "qemu"
"$bin" baseline -j epyc-rome epyc-milan > "$T/doc"
"$bin" baseline epyc-rome epyc-milan | sed -n '/^-cpu /,/^$/p' > "$T/lines"
[ "$(wc -l < "$T/lines")" -ge 3 ] || bad "the -cpu string was not broken into lines"
{ printf 'printf "%%s\\n" '; cat "$T/lines"; } > "$T/paste.sh"
[ "$(sh "$T/paste.sh")" = "$(printf -- '-cpu\n%s' "$(member qemu)")" ] ||
	bad "pasted -cpu lines: $(sh "$T/paste.sh")"
[ $proofs -ge 100 ] || bad "only $proofs matrix runs"
[ $fail = 0 ] && echo "ok baseline proven by matrix ($proofs matrix runs)"
exit $fail
