#!/bin/sh
# namespace_test.sh LIB INCLUDE_DIR CC - the library's namespace, as a C
# program that also includes kernel or KVM-selftest headers sees it:
#   1. every symbol libsvmcheck.a defines for others starts with svmc_;
#   2. the public headers define no macro outside SVMC_/svmc_ (their include
#      guards SVMCHECK_*_H aside), beyond what the C library headers they
#      include define themselves.
# Fails, naming each offender.
set -eu
lib=$1 inc=$2 cc=$3
fail=0
# (an AddressSanitizer build adds one __odr_asan.NAME per global: not ours)
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | grep -v -e '^svmc_' -e '^__odr_asan[.]svmc_' |
	sort -u || true)
if [ -n "$bad" ]; then
	echo "exported symbols outside svmc_:"
	echo "$bad" | sed 's/^/  /'
	fail=1
fi
n=0
for h in "$inc"/svmcheck/*.h; do
	n=$((n + 1))
	# the system headers any public header includes, alone: their macros are not ours
	sys=$(grep -h '^#include <' "$inc"/svmcheck/*.h | sort -u | sed 's/^#include <\(.*\)>.*/-include \1/' | tr '\n' ' ')
	# shellcheck disable=SC2086
	echo | "$cc" -std=c11 -E -dM $sys - | awk '{ sub(/\(.*/, "", $2); print $2 }' | sort -u > "${TMPDIR:-/tmp}/ns_sys.$$"
	echo | "$cc" -std=c11 -E -dM -I "$inc" -include "$h" - | awk '{ sub(/\(.*/, "", $2); print $2 }' | sort -u |
		comm -23 - "${TMPDIR:-/tmp}/ns_sys.$$" > "${TMPDIR:-/tmp}/ns_all.$$"
		bad=$(grep -v -E '^(SVMC_|svmc_|SVMCHECK_[A-Z_]*_H$)' "${TMPDIR:-/tmp}/ns_all.$$" | grep -v -E '^(__|_[A-Z])' || true)
	if [ -n "$bad" ]; then
		echo "$(basename "$h") defines macros outside SVMC_/svmc_:"
		echo "$bad" | sed 's/^/  /'
		fail=1
	fi
done
rm -f "${TMPDIR:-/tmp}/ns_sys.$$" "${TMPDIR:-/tmp}/ns_all.$$"
[ "$n" -gt 0 ] || { echo "no public headers in $inc/svmcheck"; exit 1; }
[ "$fail" = 0 ] && echo "namespace: $n public headers and the library's symbols are all svmc_/SVMC_"
exit "$fail"
