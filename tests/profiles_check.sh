#!/bin/sh
# profiles_check.sh SVMCHECK DUMPS_DIR PROFILES_DIR [regen]
#
# The bundled real-CPU profiles in profiles/ are made by svmcheck itself:
# `svmcheck profile import` of the complete `cpuid -r` dump of each CPU in
# DUMPS_DIR, tests/fixtures/cpuid/ (its MANIFEST.md says why: the libcpuid
# .test files lose leaf 7.1 and everything from 0x80000020 up).  This script is the one
# list of (dump, bundled name, description).  Without "regen" it re-imports
# every dump and fails when a committed profile differs, so the bundled
# profiles cannot drift from the dumps or from the importer; with "regen" it
# rewrites them (review the diff before committing).
set -u
bin=$1 data=$2 profiles=$3 mode=${4:-check}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 count=0

one() { # STEM NAME DESCRIPTION
	count=$((count + 1))
	out=$tmp/$2.json
	[ "$mode" = regen ] && out=$profiles/$2.json
	if ! "$bin" profile import "$data/$1.cpuid-r.txt" --name "$2" --description "$3" -o "$out"; then
		echo "FAIL: import of $1.cpuid-r.txt"; fail=1; return
	fi
	[ "$mode" = regen ] && { echo "wrote $out"; return; }
	if ! cmp -s "$out" "$profiles/$2.json"; then
		echo "FAIL: profiles/$2.json differs from a fresh import of $1.cpuid-r.txt:"
		diff -u "$profiles/$2.json" "$out" | head -20; fail=1
	fi
}

one naples-epyc-7551p epyc-naples \
	"AMD EPYC 7551P 32-Core (Naples, Zen 1, 17h/01h); cpuid -r dump from libcpuid test data"
one naples-epyc-7401p-hyperv-guest epyc-naples-hyperv-guest \
	"AMD EPYC 7401P captured INSIDE a Hyper-V guest: SVM hidden (a VM view, not a host); libcpuid test data"
one rome-epyc-7742 epyc-rome \
	"AMD EPYC 7742 64-Core (Rome, Zen 2, 17h/31h); cpuid -r dump from libcpuid test data"
one milan-epyc-7713 epyc-milan \
	"AMD EPYC 7713 64-Core (Milan, Zen 3, 19h/01h); cpuid -r dump from libcpuid test data"
one genoa-epyc-9124 epyc-genoa \
	"AMD EPYC 9124 16-Core (Genoa, Zen 4, 19h/11h), SEV-SNP on; cpuid -r dump from libcpuid test data"
one genoa-epyc-9654-snp-off epyc-genoa-snp-off \
	"AMD EPYC 9654 96-Core (Genoa, Zen 4, 19h/11h), SEV-SNP bit clear; cpuid -r dump from libcpuid test data"
one bergamo-epyc-9754 epyc-bergamo \
	"AMD EPYC 9754 128-Core (Bergamo, Zen 4c, 19h/A0h); cpuid -r dump from InstLatx64"
one turin-epyc-9655 epyc-turin \
	"AMD EPYC 9655 96-Core (Turin, Zen 5, 1Ah/02h); cpuid -r dump from libcpuid test data"
one turin-dense-epyc-9965 epyc-turin-dense \
	"AMD EPYC 9965 192-Core (Turin dense, Zen 5c, 1Ah/11h); cpuid -r dump from libcpuid test data"
one hygon-c86-7185 hygon-dhyana \
	"Hygon C86 7185 32-core (Dhyana, 18h/00h): SVM without SEV or SHSTK; from libcpuid test data"
one intel-xeon-platinum-8570-emr xeon-emerald-rapids \
	"Intel Xeon Platinum 8570 (Emerald Rapids, 06h/CFh): no SVM, a negative case; libcpuid test data"
one oxide-turin-like-vm-guest oxide-turin-like-vm-guest \
	"A test VM's vCPU (Oxide Virtual Turin-like, bhyve guest): SVM hidden (a VM view); live cpuid -1 -r"

[ $fail = 0 ] && echo "ok: $count bundled profiles match their dumps"
exit $fail
