#!/bin/sh
# install_test.sh - install svmcheck into a temporary prefix and use the
# installed copy the way a user and a C program would:
#   1. `cmake --install BUILD --prefix TMP` places the binary, every man page,
#      the profiles, the bash completion, libsvmcheck, its headers and svmcheck.pc;
#   2. the installed binary, run from another directory with no
#      SVMCHECK_PROFILE_PATH, finds a bundled profile by name in TMP's own
#      data directory (not in the source tree), and still does after the whole
#      prefix is moved elsewhere (the lookup follows the executable);
#   3. tests/example/example.c builds against the installed copy with
#      `cc example.c $(pkg-config --cflags --libs --static svmcheck)` and
#      judges VMCBs through the public API.
# Usage: install_test.sh CMAKE BUILD_DIR SOURCE_DIR CC [EXTRA_CFLAGS]
set -u
CMAKE=$1 BUILD=$2 SRC=$3 CC=$4 EXTRA_CFLAGS=${5:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/svmcheck-install.XXXXXX") || exit 2
TMP=$(realpath "$TMP")
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

"$CMAKE" --install "$BUILD" --prefix "$TMP/usr" >"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; echo "FAIL: cmake --install"; exit 1; }
P=$TMP/usr

# 1. every file in its GNUInstallDirs place
for f in bin/svmcheck share/svmcheck/profiles/epyc-milan.json \
	share/svmcheck/profiles/qemu-EPYC-v4.json \
	share/bash-completion/completions/svmcheck \
	include/svmcheck/check.h include/svmcheck/vmcb.h include/svmcheck/cpu.h; do
	[ -f "$P/$f" ] && ok "installed $f" || fail "missing $f"
done
for m in "$SRC"/man/*.1; do
	f=share/man/man1/$(basename "$m")
	[ -f "$P/$f" ] && ok "installed $f" || fail "missing $f"
done
[ -f "$P/share/man/man5/svmcheck-json.5" ] && ok "installed svmcheck-json.5" || fail "missing man5/svmcheck-json.5"
# the conformance guest that replay --run boots, when the build has it (an x86-64 GNU toolchain)
if [ -f "$BUILD/tests/conformance/conform.bin" ]; then
	for f in libexec/svmcheck/conform.bin libexec/svmcheck/bootsect.bin; do
		[ -f "$P/$f" ] && ok "installed $f" || fail "missing $f"
	done
fi
LIBA=$(find "$P" -name libsvmcheck.a | head -n 1)
PC=$(find "$P" -name svmcheck.pc | head -n 1)
[ -n "$LIBA" ] && ok "installed $LIBA" || fail "missing libsvmcheck.a"
[ -n "$PC" ] && ok "installed $PC" || fail "missing svmcheck.pc"
n_src=$(ls "$SRC"/profiles/*.json | wc -l)
n_inst=$(ls "$P"/share/svmcheck/profiles/*.json | wc -l)
[ "$n_src" -eq "$n_inst" ] && ok "$n_inst profiles" || fail "$n_inst profiles installed, $n_src bundled"

# 2. the installed binary finds its own profiles from any directory
check_lookup() { # PREFIX LABEL
	out=$(cd / && env -u SVMCHECK_PROFILE_PATH NO_COLOR=1 "$1/bin/svmcheck" -j profile list)
	case $out in
	*"\"path\":\"$1/share/svmcheck/profiles/epyc-milan.json\""*)
		ok "$2: epyc-milan found in $1/share/svmcheck/profiles" ;;
	*) fail "$2: epyc-milan not listed from $1/share/svmcheck/profiles: $(echo "$out" | head -c 600)" ;;
	esac
	(cd / && env -u SVMCHECK_PROFILE_PATH "$1/bin/svmcheck" -q vectors -c epyc-milan)
	rc=$?
	[ $rc -eq 0 ] && ok "$2: vectors -c epyc-milan exits 0" || fail "$2: vectors -c epyc-milan exited $rc"
	(cd / && env -u SVMCHECK_PROFILE_PATH "$1/bin/svmcheck" -q vectors -c no-such-cpu 2>/dev/null)
	rc=$?
	[ $rc -eq 2 ] && ok "$2: an unknown name exits 2" || fail "$2: an unknown name exited $rc"
}
check_lookup "$P" installed
mv "$P" "$TMP/moved"
check_lookup "$TMP/moved" moved
mv "$TMP/moved" "$P"

# 3. a C program links the installed library through pkg-config
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$PC")
flags=$(pkg-config --cflags --libs --static svmcheck) || fail "pkg-config svmcheck"
incdir=$(pkg-config --variable=includedir svmcheck)
libdir=$(pkg-config --variable=libdir svmcheck)
[ "$(realpath "$incdir")" = "$P/include" ] && ok "includedir is the prefix's" ||
	fail "includedir $incdir is not $P/include"
[ "$(realpath "$libdir")" = "$(dirname "$LIBA")" ] && ok "libdir holds libsvmcheck.a" ||
	fail "libdir $libdir does not hold $LIBA"
# the library guesses no profile directory: the example is told the prefix's
profilesdir=$(pkg-config --variable=profilesdir svmcheck)
[ "$(realpath "$profilesdir")" = "$P/share/svmcheck/profiles" ] && ok "profilesdir is the prefix's" ||
	fail "profilesdir $profilesdir is not $P/share/svmcheck/profiles"
# shellcheck disable=SC2086
# shellcheck disable=SC2086
if "$CC" -std=c11 -Wall -Wextra -Werror $EXTRA_CFLAGS -DEXAMPLE_PROFILES_DIR="\"$profilesdir\"" \
	-o "$TMP/example" "$SRC/tests/example/example.c" $flags \
	>"$TMP/cc.log" 2>&1; then
	ok "example.c builds with: $flags"
	# Hand-worked: dump25.bin's CR0 is 0xa0000011, NW (bit 29) set with CD
	# (bit 30) clear, its only failing check on a Milan L1 under kvm.
	(cd / && env -u SVMCHECK_PROFILE_PATH "$TMP/example" epyc-milan \
		"$SRC/tests/fixtures/raw/dump25.bin") >"$TMP/example.out" 2>&1
	rc=$?
	printf 'legal: VMRUN -\nno-svme: VMEXIT_INVALID SAVE.EFER.SVME\n0 VMEXIT_INVALID SAVE.CR0.CD_NW\n' \
		>"$TMP/example.want"
	if [ $rc -eq 0 ] && cmp -s "$TMP/example.out" "$TMP/example.want"; then
		ok "example judges through the installed library"
	else
		fail "example exited $rc:"; diff "$TMP/example.want" "$TMP/example.out"
	fi
	# and it fails when a name cannot be resolved (its own failing case)
	(cd / && env -u SVMCHECK_PROFILE_PATH "$TMP/example" no-such-cpu) >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] && ok "example exits 1 on an unknown CPU" || fail "example exited $rc on an unknown CPU"
else
	cat "$TMP/cc.log"
	fail "example.c does not build against the installed copy"
fi

[ $fails -eq 0 ] && echo "all install checks passed" && exit 0
echo "$fails install checks failed"
exit 1
