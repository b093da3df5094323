#!/bin/sh
# kvm_errors.sh SVMCHECK
#
# `profile capture --kvm` where /dev/kvm does not serve: exit 2, a message
# that says why, and the -o file left as it was (the atomic writer never
# starts).  Each /dev/kvm is made in a private mount namespace (unshare -m,
# a tmpfs over /dev), so the host's is never touched:
#   missing      no /dev/kvm at all                 -> "KVM is not available"
#   not KVM      /dev/kvm is /dev/null's device      -> the ioctl fails
#   no access    mode 0600 root, run as nobody      -> "kvm group"
# Skipped (77) where mount namespaces cannot be made (not root, or a
# container without CAP_SYS_ADMIN).
set -u
bin=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
export LC_ALL=C NO_COLOR=1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! unshare -m sh -c 'mount -t tmpfs tmpfs /dev' 2> "$T/why"; then
	echo "skipped: cannot make a private /dev (unshare -m as root): $(cat "$T/why")"
	exit 77
fi

# case NAME SETUP RUNNER REGEX: RUNNER (a command prefix) runs svmcheck
# after SETUP made the private /dev
case_run() {
	name=$1 setup=$2 runner=$3 re=$4
	mkdir "$T/$name"
	chmod 777 "$T/$name"
	echo "before" > "$T/$name/out.json"
	chmod 666 "$T/$name/out.json"
	unshare -m sh -c "mount -t tmpfs tmpfs /dev && $setup && exec $runner \"$bin\" profile capture --kvm -o \"$T/$name/out.json\"" \
		> "$T/$name/stdout" 2> "$T/$name/stderr"
	rc=$?
	[ $rc = 2 ] || fail "$name: exit $rc, not 2: $(cat "$T/$name/stderr")"
	grep -Eq -- "$re" "$T/$name/stderr" || fail "$name: stderr lacks /$re/: $(cat "$T/$name/stderr")"
	[ "$(cat "$T/$name/out.json")" = before ] || fail "$name: the -o file was changed"
	[ "$(ls "$T/$name" | wc -l)" = 3 ] || fail "$name: files left behind: $(ls "$T/$name")"
	echo "ok: $name: $(cat "$T/$name/stderr")"
}

case_run missing true "" '^svmcheck: /dev/kvm: cannot open: .*KVM is not available'
case_run not-kvm 'mknod -m 666 /dev/kvm c 1 3' "" \
	'^svmcheck: /dev/kvm: KVM_GET_SUPPORTED_CPUID failed: .*not KVM.s device'
case_run no-access 'mknod -m 600 /dev/kvm c 10 232' \
	"setpriv --reuid=65534 --regid=65534 --clear-groups" \
	'^svmcheck: /dev/kvm: cannot open: Permission denied: .*kvm group'

# the same under -j: one JSON error object with the stable code
unshare -m sh -c "mount -t tmpfs tmpfs /dev && exec \"$bin\" -j profile capture --kvm" \
	> "$T/json" 2> /dev/null
rc=$?
[ $rc = 2 ] || fail "-j: exit $rc, not 2"
grep -q '^{"type":"error","input":"/dev/kvm","code":"io_error","message":"cannot open: ' "$T/json" ||
	fail "-j: not the io_error object: $(cat "$T/json")"

[ $fails -ne 0 ] && { echo "$fails kvm error checks failed"; exit 1; }
echo "ok: profile capture --kvm without a usable /dev/kvm"
