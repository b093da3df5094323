#!/bin/sh
# shared_check.sh FIXTURES_CPUID_DIR SHARED_PROFILES_DATA_DIR
#
# The real CPUID dumps the tests read live in tests/fixtures/cpuid/ as copies
# of profiles-data/ in the project's shared/ folder beside the repository.
# When that folder is there, this fails unless both hold the same files with
# the same bytes (MANIFEST.md compared without the one line the copy adds,
# the line that starts with "Copies kept for svmcheck's tests"), so that a
# change on either side is noticed.  When it is not there (a plain clone),
# it exits 77, which CTest reports as skipped.
set -u
fix=$1 shared=$2
if [ ! -d "$shared" ]; then
	echo "skipped: $shared does not exist (nothing beside the repository to compare with)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 count=0
(cd "$fix" && ls -A) > "$tmp/fix.list"
(cd "$shared" && ls -A) > "$tmp/shared.list"
if ! cmp -s "$tmp/fix.list" "$tmp/shared.list"; then
	echo "FAIL: the two folders hold different files (- $fix, + $shared):"
	diff -u "$tmp/fix.list" "$tmp/shared.list" | sed 1,2d | grep '^[-+]'
	fail=1
fi
while IFS= read -r f; do
	[ -f "$shared/$f" ] || continue
	count=$((count + 1))
	a=$fix/$f
	if [ "$f" = MANIFEST.md ]; then
		# drop the added line and the blank line after it
		awk 'skip && $0 == "" { skip = 0; next }
		     /^Copies kept for svmcheck.s tests/ { skip = 1; next }
		     { skip = 0; print }' "$fix/$f" > "$tmp/MANIFEST.md"
		if cmp -s "$tmp/MANIFEST.md" "$fix/$f"; then
			echo "FAIL: $fix/MANIFEST.md lacks its line saying it holds copies"
			fail=1
		fi
		a=$tmp/MANIFEST.md
	fi
	if ! cmp -s "$a" "$shared/$f"; then
		echo "FAIL: $fix/$f differs from $shared/$f:"
		diff -u "$a" "$shared/$f" | head -20
		fail=1
	fi
done < "$tmp/fix.list"
[ $fail = 0 ] && echo "ok: $count files of $fix equal $shared"
exit $fail
