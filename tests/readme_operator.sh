#!/bin/bash
# readme_operator.sh - run README.md's operator recipe as written.
#
# The block after the marker "<!-- operator recipe" in README.md runs in a
# scratch directory with two stand-ins on PATH: `ssh HOST COMMAND` answers
# from tests/fixtures/operator/ (what that command prints on such a host:
# a /dev/kvm capture, /proc/cpuinfo, virsh output), and `svmcheck` is the
# build's binary, each run's exit status logged.  Every svmcheck run must
# end with 0 or 1 (an answer), never 2 (trouble), every line of the block
# must have run, and the files the recipe writes must be profiles svmcheck
# reads back.
# Usage: readme_operator.sh SVMCHECK_BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(realpath "$2")
FIX=$SRC/tests/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

awk '/^<!-- operator recipe/ { on = 1; next }
     on && /^```/ { if (inb) exit; inb = 1; next }
     inb { print }' "$SRC/README.md" > "$tmp/recipe.sh"
[ -s "$tmp/recipe.sh" ] || { echo "FAIL: no operator recipe in README.md"; exit 1; }
want=$(grep -c '^svmcheck \|| svmcheck ' "$tmp/recipe.sh")

mkdir -p "$tmp/bin" "$tmp/work"
cat > "$tmp/bin/ssh" <<STUB
#!/bin/sh
case "\$*" in
"host1 svmcheck profile capture --kvm") exec cat "$FIX/operator/host1-kvm.json" ;;
"host2 cat /proc/cpuinfo") exec cat "$FIX/cpudefs/epyc-7763.cpuinfo" ;;
"host3 virsh capabilities") exec cat "$FIX/libvirt/caps-rome.xml" ;;
"host1 virsh dumpxml vm42") exec cat "$FIX/libvirt/domain-custom-milan.xml" ;;
esac
echo "ssh stand-in: no answer for: \$*" >&2
exit 255
STUB
cat > "$tmp/bin/svmcheck" <<STUB
#!/bin/sh
SVMCHECK_PROFILE_PATH="$SRC/profiles" "$BIN" "\$@"
rc=\$?
echo "\$rc \$*" >> "$tmp/status"
exit \$rc
STUB
chmod +x "$tmp/bin/ssh" "$tmp/bin/svmcheck"
# (the block's own status is its last command's: an answer of 1 is no failure, the
# statuses of every svmcheck run are read from the log below)
(cd "$tmp/work" && PATH="$tmp/bin:$PATH" LC_ALL=C bash -u "$tmp/recipe.sh") > "$tmp/out" 2>&1

ran=$(wc -l < "$tmp/status" 2>/dev/null || echo 0)
[ "$ran" -eq "$want" ] || { cat "$tmp/out"; fail "$ran svmcheck runs, the recipe has $want"; }
while read -r rc cmd; do
	case $rc in
	0 | 1) echo "ok: exit $rc: svmcheck $cmd" ;;
	*) fail "exit $rc: svmcheck $cmd" ;;
	esac
done < "$tmp/status"
grep -q "ssh stand-in" "$tmp/out" && fail "an ssh line the stand-in does not know"
for h in host1 host2 host3; do
	"$BIN" -q profile show "$tmp/work/fleet/$h.json" || fail "fleet/$h.json is not a profile"
done
grep -q "^identical\|^superset\|^subset\|^incompatible\|^blocked" "$tmp/out" ||
	fail "no migrate answer in the output"
[ "$fails" = 0 ] || { cat "$tmp/out"; exit 1; }
echo "the operator recipe ran: $ran svmcheck commands"
