#!/bin/sh
# libvirt_host.sh SVMCHECK FIXTURES_DIR
#
# What libvirt XML takes from the host svmcheck runs on.  <cpu
# mode='host-passthrough'> is this host: the same MAXPHYADDR and features
# as `host`, with the domain's <feature policy='disable' name='pcid'/>
# applied as host,-pcid would (the raw leaves are not compared: APIC ids
# differ from one core to the next).  A custom CPU's <maxphysaddr
# mode='passthrough'/> is this host's MAXPHYADDR, at most its bits.
# Skipped (77) where this host cannot be captured.
set -u
bin=$1 xml=$2/libvirt/domain-host-passthrough.xml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C NO_COLOR=1 COLUMNS=100
# from the MAXPHYADDR line on: what the checks read, without name and description
body() { "$bin" profile show "$1" > "$T/raw" 2> "$T/err" && sed -n '/^  maxphyaddr/,$p' "$T/raw"; }
if ! body host > "$T/host"; then
	echo "skipped: this host cannot be captured: $(cat "$T/err")"
	exit 77
fi
body host,-pcid > "$T/want" || { echo "FAIL: host,-pcid: $(cat "$T/err")"; exit 1; }
body "$xml" > "$T/got" || { echo "FAIL: $xml: $(cat "$T/err")"; exit 1; }
if ! cmp -s "$T/want" "$T/got"; then
	echo "FAIL: host-passthrough differs from host,-pcid:"
	diff -u "$T/want" "$T/got" | head -40
	exit 1
fi
grep -q '^  pcid  *no ' "$T/got" || { echo "FAIL: pcid not disabled"; exit 1; }
echo "ok: host-passthrough is this host, with pcid disabled"

maxpa() { sed -n 's/^  maxphyaddr  *\([0-9]*\).*/\1/p' "$1"; }
host_pa=$(maxpa "$T/host")
# bits 32 caps any host; bits 64 caps none
for bits in "" 32 64; do
	want=$host_pa
	[ "$bits" = 32 ] && want=32
	printf "<cpu mode='custom'>\n  <model>EPYC-Milan</model>\n  <maxphysaddr mode='passthrough'%s/>\n</cpu>\n" \
		"${bits:+ bits='$bits'}" > "$T/pt.xml"
	body "$T/pt.xml" > "$T/got" || { echo "FAIL: passthrough bits '$bits': $(cat "$T/err")"; exit 1; }
	got=$(maxpa "$T/got")
	[ "$got" = "$want" ] ||
		{ echo "FAIL: passthrough bits '$bits': MAXPHYADDR $got, want $want (host $host_pa)"; exit 1; }
done
echo "ok: <maxphysaddr mode='passthrough'> is this host's $host_pa, capped by bits"
