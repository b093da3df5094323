#!/bin/sh
# run_emu_case.sh CASE_DIR SVMCHECK TESTS_DIR GUEST_DIR
#
# A CLI case of `replay --run` (tests/run_case.sh) that needs a real
# emulator: CASE_DIR/emulator names it (qemu or bochs).  Without the
# emulator on PATH or the conformance guest in GUEST_DIR (built only with a
# GNU toolchain for x86-64) the case is skipped (exit 77, CTest's
# SKIP_RETURN_CODE), never passed.  .ci/setup installs both emulators.
set -u
case_dir=$1 bin=$2 tests=$3 guest=$4
emu=$(cat "$case_dir/emulator")
case $emu in
qemu) prog=qemu-system-x86_64 ;;
bochs) prog=bochs ;;
*)
	echo "$case_dir/emulator: qemu or bochs, not '$emu'"
	exit 2
	;;
esac
if ! command -v "$prog" > /dev/null 2>&1; then
	echo "skipped: $prog is not installed (.ci/setup installs it)"
	exit 77
fi
if [ ! -e "$guest/conform.bin" ] || [ ! -e "$guest/bootsect.bin" ]; then
	echo "skipped: the conformance guest is not built in $guest (needs gcc, ld and objcopy for x86-64)"
	exit 77
fi
exec sh "$tests/run_case.sh" "$case_dir" "$bin" "$tests"
