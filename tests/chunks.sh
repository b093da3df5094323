#!/bin/sh
# chunks.sh SVMCHECK GEN TESTS_DIR - replay -t 2 reads text in chunks cut at
# record boundaries and must write exactly what -t 1 writes: stdout, stderr
# and exit status, text and JSON, over every kvm-dump, xen-dump and trace
# fixture and over generated corpora of each kernel era, the mix of eras,
# Xen dumps and traces (one vCPU after another, and vCPUs interleaved line
# by line), clean and damaged (bad values, cut lines, lost lines, soft
# breaks, NUL runs), chunks of more records than a batch, quoted-printable
# text, with chunks of at least 1 byte (a boundary before every record that
# has one), a few KiB (records across the chunk size) and the default.
# SVMCHECK_CHUNK_BYTES is the test-only knob for the chunk size.
set -u
svmcheck=$1
gen=$2
tests=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
runs=0

# same INPUT FORMAT CHUNK: -t 1 and -t 2 agree, in text and in JSON
same() {
	for mode in "" -j; do
		st1=0
		st2=0
		"$svmcheck" $mode replay -c epyc-milan -f "$2" -t 1 "$1" >"$tmp/o1" 2>"$tmp/e1" </dev/null || st1=$?
		SVMCHECK_CHUNK_BYTES=$3 "$svmcheck" $mode replay -c epyc-milan -f "$2" -t 2 "$1" \
			>"$tmp/o2" 2>"$tmp/e2" </dev/null || st2=$?
		runs=$((runs + 1))
		if [ "$st1" -gt 2 ] || [ "$st1" != "$st2" ] || ! cmp -s "$tmp/o1" "$tmp/o2" ||
			! cmp -s "$tmp/e1" "$tmp/e2"; then
			echo "differs: $1 -f $2 ${mode:-text} chunk $3 (status $st1 vs $st2)"
			diff "$tmp/o1" "$tmp/o2" | head -5
			diff "$tmp/e1" "$tmp/e2" | head -5
			fails=$((fails + 1))
		fi
	done
}

for f in "$tests"/fixtures/kvm/*.log "$tests"/fixtures/kvm/*.txt "$tests"/fixtures/kvm/journal*; do
	for c in 1 300; do same "$f" kvm-dump $c; done
	same "$f" auto 1
done
for f in "$tests"/fixtures/xen/*.txt; do
	for c in 1 300; do same "$f" xen-dump $c; done
done

for f in "$tests"/fixtures/trace/*.txt; do
	for c in 1 300; do same "$f" trace $c; done
	same "$f" auto 1
done

# generated corpora: each era, the mix, Xen; then damaged copies of each
for era in newest 6.15 5.14 4.x 2.6 mixed; do
	"$gen" --format kvm-dump --era "$era" --count 150 --seed 11 -o "$tmp/kvm-$era.log" ||
		{ echo "gen --era $era failed"; exit 1; }
done
"$gen" --format xen-dump --count 150 --seed 12 -o "$tmp/xen.log" || { echo "gen xen failed"; exit 1; }
# traces: the generator's, and two of them interleaved line by line (the
# second's vCPUs renamed, two lines behind), so records of one vCPU are open
# across lines of another
"$gen" --format trace --count 300 --seed 13 -o "$tmp/trace.log" || { echo "gen trace failed"; exit 1; }
"$gen" --format trace --count 300 --seed 14 -o "$tmp/trace2" || { echo "gen trace failed"; exit 1; }
sed 's/KVM-\([0-9]*\)/KVM-7\1/' "$tmp/trace2" | awk -v a="$tmp/trace.log" '
	{ b[NR] = $0 }
	END { n = 0; while ((getline l <a) > 0) { print l; if (++n > 2) print b[n - 2] }
	      for (i = n - 1; i <= NR; i++) if (i > 0) print b[i] }' >"$tmp/trace-mix.log"
sed 's/$/\r/' "$tmp/trace-mix.log" >"$tmp/trace-crlf.log"
for f in "$tmp"/kvm-*.log "$tmp/xen.log" "$tmp"/trace*.log; do
	# every 97th line loses a digit's worth (a bad value), every 89th is cut
	# in half, every 113th is gone, every 131st ends in a soft break '='
	awk 'NR % 97 == 0 { sub(/[0-9a-f] *$/, "g") }
	     NR % 89 == 0 { $0 = substr($0, 1, int(length($0) / 2)) }
	     NR % 113 == 0 { next }
	     NR % 131 == 0 { $0 = $0 "=" }
	     { print }' "$f" >"${f%.log}-bad.log"
done
for f in "$tmp"/kvm-*.log; do
	for c in 1 4096 262144; do same "$f" kvm-dump $c; done
done
for f in "$tmp"/xen*.log; do
	for c in 1 4096 262144; do same "$f" xen-dump $c; done
done
for f in "$tmp"/trace*.log; do
	for c in 1 4096 262144; do same "$f" trace $c; done
done
# a trace quoted-printable from the middle on: cut before, serial after
head -c 100000 "$tmp/trace-mix.log" >"$tmp/trace-qp.txt"
sed 's/ /=20/g' "$tmp/trace.log" >>"$tmp/trace-qp.txt"
same "$tmp/trace-qp.txt" trace 1
# NUL runs (what a power loss leaves in a log) inside values, also after the
# bytes detection read (read straight into the window, where the reader
# drops them): the clean log's records
mkdir "$tmp/nul" "$tmp/clean"
cat "$tmp/kvm-mixed.log" "$tmp/kvm-mixed.log" >"$tmp/clean/k.log" # past the first 1 MiB read
awk 'NR % 50 == 0 && length($0) > 3 {
	printf "%s\001\001\001", substr($0, 1, length($0) - 3); print substr($0, length($0) - 2); next }
     { print }' "$tmp/clean/k.log" | tr '\001' '\000' >"$tmp/nul/k.log"
(cd "$tmp/clean" && "$svmcheck" -j replay -c epyc-milan k.log) >"$tmp/o1" 2>&1
(cd "$tmp/nul" && "$svmcheck" -j replay -c epyc-milan k.log) >"$tmp/o2" 2>&1
runs=$((runs + 1))
if cmp -s "$tmp/nul/k.log" "$tmp/clean/k.log" || ! cmp -s "$tmp/o1" "$tmp/o2"; then
	echo "differs: a log with NUL runs and the clean log"
	fails=$((fails + 1))
fi
same "$tmp/nul/k.log" kvm-dump 4096

# chunks of more records than a batch holds (256): tiny dumps, some bad
awk 'BEGIN { for (i = 0; i < 2000; i++) {
	print "cr_read:            0010"
	print "exceptions:         " (i % 50 == 7 ? "0006004x" : "00060042") } }' >"$tmp/tiny.log"
for c in 1 16384; do same "$tmp/tiny.log" kvm-dump $c; done
# a capture that is quoted-printable from the middle on: cut before, serial after
head -c 200000 "$tmp/kvm-mixed.log" >"$tmp/qp.log"
sed 's/ /=20/g' "$tmp/kvm-newest.log" >>"$tmp/qp.log"
same "$tmp/qp.log" kvm-dump 1
# two inputs, the first in chunks, then one read serially (standard input)
st1=0
st2=0
"$svmcheck" -j replay -c epyc-milan -t 1 "$tmp/kvm-mixed-bad.log" - "$tmp/xen.log" \
	<"$tmp/kvm-2.6.log" >"$tmp/o1" 2>"$tmp/e1" || st1=$?
SVMCHECK_CHUNK_BYTES=1 "$svmcheck" -j replay -c epyc-milan -t 2 "$tmp/kvm-mixed-bad.log" - \
	"$tmp/xen.log" <"$tmp/kvm-2.6.log" >"$tmp/o2" 2>"$tmp/e2" || st2=$?
runs=$((runs + 1))
if [ "$st1" != "$st2" ] || ! cmp -s "$tmp/o1" "$tmp/o2" || ! cmp -s "$tmp/e1" "$tmp/e2"; then
	echo "differs: three inputs (status $st1 vs $st2)"
	fails=$((fails + 1))
fi
# the damaged corpora hold errors, and -t 2 reported them (not a vacuous pass)
grep -q '"type":"error"' "$tmp/o2" || { echo "no error in the damaged corpora"; fails=$((fails + 1)); }

echo "$runs comparisons, $fails differ"
[ "$fails" -eq 0 ]
