#!/bin/sh
# selftest/run.sh GEN SVMCHECK SRCDIR - the runner against a fake emulator
# (fake-emulator): a hang and a crash are each recorded for their image and
# the run goes on at the next one; every other image gets its exit; the
# comparison reports (never fails) against apm.  Runs with no emulator
# installed.
set -eu
gen=$1
svmcheck=$2
src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "harness self-test: $*"
	[ -f "$tmp/out" ] && cat "$tmp/out"
	exit 1
}
mkdir "$tmp/bin" "$tmp/build"
ln -s "$src/conformance/selftest/fake-emulator" "$tmp/bin/qemu-system-x86_64"
ln -s "$src/conformance/selftest/fake-emulator" "$tmp/bin/bochs"
ln -s "$gen" "$tmp/build/conform_gen"
: > "$tmp/build/conform.bin"
head -c 512 /dev/zero > "$tmp/build/bootsect.bin"
for emu in qemu bochs; do
	work=$tmp/work-$emu
	PATH="$tmp/bin:$PATH" CONFORM_BUILD="$tmp/build" SVMCHECK="$svmcheck" CONFORM_WORK="$work" \
		CONFORM_TIMEOUT=1 CONFORM_MODEL=apm FAKE_HANG=3 FAKE_CRASH=7 \
		FAKE_CPUID="$src/fixtures/cpuid/genoa-epyc-9124.cpuid-r.txt" \
		sh "$src/conformance/run" "$emu" 20 5 > "$tmp/out" 2>&1 || fail "$emu: exit status $?"
	total=$(wc -l < "$work/images.txt")
	[ "$(wc -l < "$work/results.txt")" -eq "$total" ] || fail "$emu: not one result per image"
	grep -qx '3 hang' "$work/results.txt" || fail "$emu: image 3 is not recorded as a hang"
	grep -qx '7 crash' "$work/results.txt" || fail "$emu: image 7 is not recorded as a crash"
	grep -q '^7 crash: \[CPU0  \] fake panic at image 7$' "$work/stops.txt" ||
		fail "$emu: the crash has not its message"
	[ "$(grep -c ' 0x0000000000000078$' "$work/results.txt")" -eq $((total - 2)) ] ||
		fail "$emu: an image after the hang or the crash was lost"
	# 4 boots: the CPUID probe, from 0 (hangs at 3), from 4 (crashes at 7), from 8 to the end
	grep -q "^conformance $emu: $total images, 4 boots" "$tmp/out" || fail "$emu: not 4 boots"
	grep -q "^conformance apm: [0-9]*/$((total - 2)) agree$" "$tmp/out" ||
		fail "$emu: the hang and the crash are judged"
	grep -q '^  not judged: 1 image, hang: no progress for 1s' "$tmp/out" ||
		fail "$emu: the hang is not listed"
	grep -q '^  not judged: 1 image, crash: \[CPU0  \] fake panic at image 7;' "$tmp/out" ||
		fail "$emu: the crash is not listed"
	# an HLT exit is VMRUN: the valid images agree, the failing ones do not
	grep -q '^ *[0-9]* *real VMRUN, apm VMEXIT_INVALID SAVE.EFER.SVME ' "$tmp/out" ||
		fail "$emu: no disagreement class for SAVE.EFER.SVME"
done
# without the guest (no x86-64 toolchain) the run is skipped, never passed
mkdir "$tmp/empty"
st=0
PATH="$tmp/bin:$PATH" CONFORM_BUILD="$tmp/empty" SVMCHECK="$svmcheck" \
	sh "$src/conformance/run" qemu 20 > "$tmp/out" 2>&1 || st=$?
[ "$st" -eq 77 ] || fail "no guest: exit status $st, not 77 (skipped)"
grep -q '^conformance qemu: skipped: ' "$tmp/out" || fail "no guest: not reported as skipped"
echo "harness self-test: hang, crash and reboot handled under both names; skipped without the guest"
