#!/bin/sh
# replay_run.sh SVMCHECK TESTS_DIR - `replay --run` without a real emulator:
#   * the refusals: a missing emulator (PATH without it) names the program
#     and its Debian packages; a missing guest names SVMCHECK_GUEST_DIR; an
#     unknown emulator; an input that cannot be read twice (a FIFO); all
#     exit 2, and -j gives one JSON error object;
#   * the boot loop, against the conformance harness's fake emulator
#     (tests/conformance/selftest/fake-emulator): image 3 hangs, image 7
#     crashes, both are reported as such and every other image gets its
#     exit, under both emulator names, from a file and from standard input;
#   * the JSON run object, and a disagreement with the emulator's model
#     flagged and alone making the exit status 1;
#   * the private directory is gone after a run, an error, SIGINT and SIGTERM.
set -u
svmcheck=$1
tests=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "replay --run: $*"
	[ -f "$tmp/out" ] && sed 's/^/  out: /' "$tmp/out"
	[ -f "$tmp/err" ] && sed 's/^/  err: /' "$tmp/err"
	fails=$((fails + 1))
}
mkdir "$tmp/empty" "$tmp/bin" "$tmp/guest" "$tmp/t"
ln -s "$tests/conformance/selftest/fake-emulator" "$tmp/bin/qemu-system-x86_64"
ln -s "$tests/conformance/selftest/fake-emulator" "$tmp/bin/bochs"
: > "$tmp/guest/conform.bin"
head -c 512 /dev/zero > "$tmp/guest/bootsect.bin"
# ten copies of a valid long-mode guest
for i in 0 1 2 3 4 5 6 7 8 9; do cat "$tests/fixtures/raw/longmode.bin"; done > "$tmp/ten.bin"
export FAKE_CPUID="$tests/fixtures/cpuid/genoa-epyc-9124.cpuid-r.txt"
export TMPDIR="$tmp/t"
run() { # run ENV... -- ARGS...: svmcheck with the environment given, status in $st
	st=0
	env "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null || st=$?
}
no_leftovers() {
	[ -z "$(ls -A "$tmp/t")" ] || fail "$1: the private directory is left: $(ls -A "$tmp/t")"
}

# 1. refusals
run PATH="$tmp/empty" "$svmcheck" replay -c epyc-milan --run qemu "$tests/fixtures/raw/longmode.bin"
[ "$st" -eq 2 ] || fail "no QEMU: exit status $st, not 2"
grep -q 'qemu-system-x86_64 is not installed.*Debian package qemu-system-x86$' "$tmp/err" ||
	fail "no QEMU: the message names neither the program nor its package"
run PATH="$tmp/empty" "$svmcheck" replay -c epyc-milan --run bochs "$tests/fixtures/raw/longmode.bin"
[ "$st" -eq 2 ] || fail "no Bochs: exit status $st, not 2"
grep -q 'bochs is not installed.*Debian packages bochs bochsbios vgabios$' "$tmp/err" ||
	fail "no Bochs: the message names neither the program nor its packages"
run PATH="$tmp/empty" "$svmcheck" replay -j -c epyc-milan --run qemu "$tests/fixtures/raw/longmode.bin"
[ "$st" -eq 2 ] || fail "no QEMU, -j: exit status $st, not 2"
[ "$(grep -c '"type":"error","code":"not_found"' "$tmp/out")" -eq 1 ] ||
	fail "no QEMU, -j: not one not_found error object"
run PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/empty" \
	"$svmcheck" replay -c epyc-milan --run qemu "$tests/fixtures/raw/longmode.bin"
[ "$st" -eq 2 ] || fail "no guest: exit status $st, not 2"
grep -q "conformance guest (conform.bin, bootsect.bin) is not in SVMCHECK_GUEST_DIR=$tmp/empty" \
	"$tmp/err" || fail "no guest: the message does not say where it looked"
run "$svmcheck" replay -c epyc-milan --run vmware "$tests/fixtures/raw/longmode.bin"
[ "$st" -eq 2 ] && grep -q -- "--run takes an emulator, qemu or bochs, not 'vmware'" "$tmp/err" ||
	fail "unknown emulator: exit status $st"
mkfifo "$tmp/fifo"
run PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/guest" \
	"$svmcheck" replay -c epyc-milan --run qemu "$tmp/fifo"
[ "$st" -eq 2 ] && grep -q "$tmp/fifo is not a regular file" "$tmp/err" ||
	fail "FIFO input: exit status $st, or no reason"
no_leftovers "after the refusals"

# 2. hang and crash, rebooted past (the fake emulator stops at images 3 and 7)
for emu in qemu bochs; do
	for input in "$tmp/ten.bin" -; do
		st=0
		PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/guest" FAKE_HANG=3 FAKE_CRASH=7 \
			"$svmcheck" replay -c epyc-milan --run "$emu" "$input" < "$tmp/ten.bin" \
			> "$tmp/out" 2> "$tmp/err" || st=$?
		what="$emu, input $input"
		[ "$st" -eq 0 ] || fail "$what: exit status $st, not 0 (every record VMRUN, no disagreement)"
		[ "$(grep -c "^  $emu [0-9.a-z]* (real): VMRUN (exit hlt)$" "$tmp/out")" -eq 8 ] ||
			fail "$what: not 8 HLT exits"
		grep -A1 '#3 (offset 12288)' "$tmp/out" | grep -q "(real): hang (no serial output for [35] s, killed)$" ||
			fail "$what: image 3 is not a hang"
		grep -A1 '#7 (offset 28672)' "$tmp/out" | grep -q '(real): crash (\[CPU0  \] fake panic at image 7)$' ||
			fail "$what: image 7 is not a crash with its message"
		[ "$(grep -c "model .* on the emulator's CPU: VMRUN; no real verdict to compare$" "$tmp/out")" -eq 2 ] ||
			fail "$what: the hang and the crash are compared"
		no_leftovers "$what"
	done
done
# the same as JSON: a "run" object per record
st=0
PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/guest" FAKE_HANG=99 FAKE_CRASH=1 \
	"$svmcheck" replay -j -c epyc-milan --run qemu "$tmp/ten.bin" > "$tmp/out" 2> "$tmp/err" || st=$?
[ "$st" -eq 0 ] || fail "JSON: exit status $st"
[ "$(grep -c '"run":{"emulator":"qemu","version":"7.2.22","verdict":"VMRUN","exit":"0x0000000000000078","model":"qemu-7.2","model_verdict":"VMRUN","model_failures":\[\],"agree":true}}$' "$tmp/out")" -eq 9 ] ||
	fail "JSON: not 9 agreeing runs"
grep -q '"index":1,.*"run":{[^}]*"verdict":"crash","exit":null,.*"agree":null,"reason":"\[CPU0  \] fake panic at image 1"}}$' "$tmp/out" ||
	fail "JSON: the crash of image 1 is not in its run object"

# a disagreement alone makes the exit status 1: the fake emulator runs a
# guest with ASID 0, which qemu-7.2 rejects and xen (no ASID check) passes
cp "$tests/fixtures/raw/longmode.bin" "$tmp/asid0.bin"
printf '\000\000\000\000' | dd of="$tmp/asid0.bin" bs=1 seek=88 conv=notrunc 2> /dev/null # control.asid
st=0
PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/guest" FAKE_HANG=99 FAKE_CRASH=99 \
	"$svmcheck" replay -c epyc-milan -m xen --run qemu "$tests/fixtures/raw/longmode.bin" \
	"$tmp/asid0.bin" > "$tmp/out" 2> "$tmp/err" || st=$?
[ "$st" -eq 1 ] || fail "disagreement: exit status $st, not 1"
[ "$(grep -c '  VMRUN$' "$tmp/out")" -eq 2 ] || fail "disagreement: xen does not pass both records"
# (the line wraps at 80 columns)
grep -A1 "^  model qemu-7.2 on the emulator's CPU: VMEXIT_INVALID CTRL.ASID.ZERO; DISAGREES$" "$tmp/out" |
	grep -q '^      with the real qemu$' || fail "disagreement: not flagged"
grep -q "^  model qemu-7.2 on the emulator's CPU: VMRUN; agrees$" "$tmp/out" ||
	fail "disagreement: the agreeing record is not said to agree"

# 3. an interrupt while the emulator hangs: exit 130, nothing left behind
PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/guest" FAKE_HANG=0 FAKE_CRASH=99 \
	"$svmcheck" replay -c epyc-milan --run qemu "$tmp/ten.bin" > "$tmp/out" 2> "$tmp/err" &
pid=$!
sleep 1
kill -INT "$pid"
st=0
wait "$pid" || st=$?
[ "$st" -eq 130 ] || fail "SIGINT: exit status $st, not 130"
no_leftovers "after SIGINT"
# SIGTERM: killed by it (128 + 15) as always, after the emulator and the directory
PATH="$tmp/bin:$PATH" SVMCHECK_GUEST_DIR="$tmp/guest" FAKE_HANG=0 FAKE_CRASH=99 \
	"$svmcheck" replay -c epyc-milan --run qemu "$tmp/ten.bin" > "$tmp/out" 2> "$tmp/err" &
pid=$!
sleep 1
kill -TERM "$pid"
st=0
wait "$pid" || st=$?
[ "$st" -eq 143 ] || fail "SIGTERM: exit status $st, not 143"
no_leftovers "after SIGTERM"

[ "$fails" -eq 0 ] || exit 1
echo "replay --run: refusals, hang, crash, JSON, interrupt and clean-up as expected"
