#!/bin/sh
# kvm_capture.sh SVMCHECK
#
# `profile capture --kvm` against this host's /dev/kvm: the profile is the
# L1 view (schema, "source": "kvm", "view": "l1", raw leaves), its vendor is
# the one `profile capture` reads from the host's own CPUID, and it holds
# what KVM_GET_SUPPORTED_CPUID reports on every host (arch/x86/kvm/cpuid.c):
# KVM's signature leaf 0x40000000 ("KVMKVMKVM"), x2APIC (CPUID 1 ECX[21],
# emulated whatever the host has) and, from Linux 6.14 (commit
# 9aa470f5ddb2), the hypervisor bit.  Without SVM in that view the capture
# still succeeds and says so on stderr; with SVM it says nothing of the
# kind.  The name is `hostname -s` unless --name gives one, and `profile
# show -j` reads source and view back.
# Skipped (77), saying why, where /dev/kvm cannot be opened.
set -u
bin=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C NO_COLOR=1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# the test's own open, read-write as svmcheck opens it
if ! (exec 3<> /dev/kvm) 2> "$T/why"; then
	echo "skipped: /dev/kvm cannot be opened here: $(sed 's/.*: //' "$T/why")"
	exit 77
fi

"$bin" profile capture --kvm -o "$T/kvm.json" 2> "$T/err"
rc=$?
[ $rc = 0 ] || { echo "FAIL: profile capture --kvm exits $rc: $(cat "$T/err")"; exit 1; }
"$bin" profile capture -o "$T/host.json" 2> /dev/null ||
	fail "profile capture (the host's CPUID) fails"
"$bin" profile show -j "$T/kvm.json" > "$T/show.json" 2> "$T/show.err" ||
	fail "profile show -j of the capture fails: $(cat "$T/show.err")"
"$bin" profile capture --kvm --name lab-7 -o "$T/named.json" 2> /dev/null ||
	fail "profile capture --kvm --name lab-7 fails"

release=$(uname -r)
python3 - "$T" "$(hostname -s 2> /dev/null || hostname)" "$release" <<'PY' || fails=$((fails + 1))
import json, re, sys
T, host, release = sys.argv[1:4]
bad = []
kvm = json.load(open(T + "/kvm.json"))
def leaf(doc, fn, sub=0):
    for l in doc.get("leaves", []):
        if int(l["leaf"], 16) == fn and int(l["subleaf"], 16) == sub:
            return [int(l[r], 16) for r in ("eax", "ebx", "ecx", "edx")]
    return None
if kvm.get("schema") != "svmcheck/profile" or kvm.get("schema_version") != 1:
    bad.append("schema %r %r" % (kvm.get("schema"), kvm.get("schema_version")))
if kvm.get("source") != "kvm":
    bad.append('"source" is %r, not "kvm"' % kvm.get("source"))
if kvm.get("view") != "l1":
    bad.append('"view" is %r, not "l1"' % kvm.get("view"))
for fn in (0, 1, 0x80000000, 0x80000001):
    if leaf(kvm, fn) is None:
        bad.append("no leaf 0x%08x" % fn)
if kvm.get("name") != host:
    bad.append("named %r, not the host name %r" % (kvm.get("name"), host))
try:
    hostdoc = json.load(open(T + "/host.json"))
    if kvm.get("vendor") != hostdoc.get("vendor"):
        bad.append("vendor %r, the host's CPUID says %r" % (kvm.get("vendor"), hostdoc.get("vendor")))
except (OSError, ValueError) as e:
    bad.append("no host capture to compare the vendor with: %s" % e)
sig = leaf(kvm, 0x40000000)
if sig is None:
    bad.append("no KVM signature leaf 0x40000000")
else:
    text = b"".join(r.to_bytes(4, "little") for r in sig[1:4])
    if text != b"KVMKVMKVM\0\0\0":
        bad.append("leaf 0x40000000 signature is %r, not KVMKVMKVM" % text)
l1 = leaf(kvm, 1)
if l1 and not (l1[2] >> 21) & 1:
    bad.append("x2apic (CPUID 1 ECX[21]) is not offered: KVM emulates it on every host")
show = json.load(open(T + "/show.json"))
present = {f["name"]: f["present"] for f in show.get("features", [])}
m = re.match(r"(\d+)\.(\d+)", release)
if m and (int(m.group(1)), int(m.group(2))) >= (6, 14):
    if not present.get("hypervisor"):
        bad.append("Linux %s: the hypervisor bit is not offered (KVM sets it from 6.14)" % release)
if show.get("source") != "kvm" or show.get("view") != "l1":
    bad.append("profile show -j reads back source %r view %r" % (show.get("source"), show.get("view")))
if json.load(open(T + "/named.json")).get("name") != "lab-7":
    bad.append("--name lab-7 is not the profile's name")
# SVM in this view: the note on stderr exactly when it is absent
svm = bool(leaf(kvm, 0x80000001)[2] >> 2 & 1) if leaf(kvm, 0x80000001) else False
if present.get("svm") != svm:
    bad.append("svm decoded %r, CPUID 0x80000001 ECX[2] says %r" % (present.get("svm"), svm))
note = "has no SVM" in open(T + "/err").read()
if note == svm:
    bad.append("the SVM %s, but stderr %s the note" % ("is offered" if svm else "is not offered",
               "has" if note else "lacks"))
for b in bad:
    print("FAIL: " + b)
print("checked the L1 view of Linux %s (SVM %s)" % (release, "offered" if svm else "not offered"))
sys.exit(1 if bad else 0)
PY
[ $fails -ne 0 ] && { echo "$fails kvm capture checks failed"; exit 1; }
echo "ok: profile capture --kvm is KVM's L1 view of this host"
