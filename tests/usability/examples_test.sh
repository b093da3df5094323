#!/bin/bash
# examples_test.sh - the documentation's examples run, and do what it says:
#   1. every man page renders without a warning (MANWIDTH=80 man --warnings),
#      when man-db is installed;
#   2. no font macro (.B, .BR, .RB, .I, ...) holds a JSON literal: roff takes
#      its double quotes as argument quotes and eats them (write JSON in an
#      .nf block or with \fB...\fR on a text line);
#   3. SEE ALSO names only pages that exist (svmcheck's own, in man/) or
#      programs the page itself talks about;
#   4. every example command is run against the build: in README.md, the
#      lines of its ``` blocks that start with "$ svmcheck" or "svmcheck ";
#      in the man pages, the same lines (and ".B svmcheck ..." lines) of the
#      EXAMPLES sections (roff escapes undone, lines continued by "\" or a
#      trailing "|" joined).
#      They run from a scratch directory where tests/ is the repository's
#      (so tests/fixtures/... names its files) with the bundled profiles and
#      SRC=epyc-milan DST=epyc-rome (the migrate script's two hosts).  Each
#      must exit with the status the text gives ("$ echo $?" then N, or
#      "(exit N)" on its first output line), else 0 or 1: never 2 (trouble).
#      The status is svmcheck's own when it is piped into another program.
# Usage: examples_test.sh SVMCHECK_BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC_DIR=$(realpath "$2")
MAN=$SRC_DIR/man
fails=0 ran=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. rendering ----
if command -v man > /dev/null 2>&1 && man --help 2>&1 | grep -q -- --warnings; then
	for page in "$MAN"/*.[15]; do
		w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null)
		[ -z "$w" ] || fail "$(basename "$page") warns: $w"
	done
else
	echo "note: man-db is not installed: rendering not checked"
fi

# ---- 2. JSON in font macros ----
for page in "$MAN"/*.[15]; do
	while IFS= read -r hit; do
		fail "$(basename "$page"):${hit%%:*}: a JSON literal in a font macro loses its quotes: ${hit#*:}"
	done < <(grep -nE '^\.(B|I|BR|RB|IR|RI|BI|IB) .*(\{"[a-z_]|\["[a-z_]|"[a-z_]+": )' "$page")
done

# ---- 3. SEE ALSO ----
for page in "$MAN"/*.[15]; do
	body=$(sed '/^\.SH SEE ALSO/,$d' "$page" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g')
	while read -r name sec; do
		name=${name//\\-/-}
		sec=${sec//[()]/}
		case $name in
		svmcheck*) [ -f "$MAN/$name.$sec" ] || fail "$(basename "$page"): SEE ALSO $name($sec): no such page" ;;
		*) grep -qw -- "$name" <<< "$body" ||
			fail "$(basename "$page"): SEE ALSO $name($sec), which the page never mentions" ;;
		esac
	done < <(sed -n '/^\.SH SEE ALSO/,$p' "$page" | sed -n 's/^\.BR \([^ ]*\) \(([0-9])\).*/\1 \2/p')
done

# ---- 4. the example commands ----
mkdir "$tmp/bin" "$tmp/work"
ln -s "$BIN" "$tmp/bin/svmcheck"
ln -s "$SRC_DIR/tests" "$tmp/work/tests"
: > "$tmp/list"

# README.md: lines of ``` blocks; the status from "$ echo $?" or "(exit N)"
# (the operator recipe's block needs ssh: tests/readme_operator.sh runs it)
awk '
	/^<!-- operator recipe/ { skip = 1; next }
	/^```/ { inb = !inb; if (!inb) skip = 0; next }
	!inb || skip { next }
	pend != "" {
		st = ""
		if ($0 ~ /^\$ echo \$\?$/) { getline nx; st = nx }
		else if (match($0, /\(exit [0-9]\)/)) st = substr($0, RSTART + 6, 1)
		print st "\037" pend
		pend = ""
	}
	/^\$ svmcheck / || /^svmcheck / { c = $0; sub(/^\$ /, "", c); pend = c; next }
	END { if (pend != "") print "\037" pend }
' "$SRC_DIR/README.md" | sed 's/^/README.md\x1f/' >> "$tmp/list"

# man pages: the EXAMPLES sections
for page in "$MAN"/*.[15]; do
	sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$page" |
		sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\&//g' |
		awk '
		function flush() { if (cmd != "") print st "\037" cmd; cmd = ""; st = "" }
		{
			if (cont) {
				cmd = cmd " " $0
				cont = 0
			} else {
				if (cmd != "") {
					if (match($0, /\(exit [0-9]\)/)) st = substr($0, RSTART + 6, 1)
					flush()
				}
				if ($0 ~ /^(\$ |\.B )?svmcheck /) { cmd = $0; sub(/^(\$ |\.B )/, "", cmd) }
			}
			if (cmd != "" && (cmd ~ /\\$/ || cmd ~ /\|$/)) { sub(/\\$/, "", cmd); cont = 1 }
		}
		END { flush() }' | sed "s/^/$(basename "$page")\x1f/" >> "$tmp/list"
done

[ -s "$tmp/list" ] || fail "no example commands found"
while IFS=$'\x1f' read -r where want cmd; do
	ran=$((ran + 1))
	cmd=${cmd%; echo \$\?} # "svmcheck ...; echo $?" shows svmcheck's status
	out=$(cd "$tmp/work" && PATH="$tmp/bin:$PATH" SRC=epyc-milan DST=epyc-rome \
		SVMCHECK_PROFILE_PATH=$SRC_DIR/profiles NO_COLOR=1 \
		bash -c "$cmd"$'\n''exit ${PIPESTATUS[0]}' 2>&1 < /dev/null)
	rc=$?
	if [ -n "$want" ] && [ "$rc" != "$want" ]; then
		fail "$where: '$cmd' exits $rc, the text says $want: $(head -c 300 <<< "$out")"
	elif [ -z "$want" ] && [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		fail "$where: '$cmd' exits $rc: $(head -c 300 <<< "$out")"
	else
		echo "ok: $where: $cmd (exit $rc)"
	fi
done < "$tmp/list"

echo "$ran example commands run"
[ $fails -ne 0 ] && { echo "$fails documentation checks failed"; exit 1; }
echo "the documentation's examples work"
