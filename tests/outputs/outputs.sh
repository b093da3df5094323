#!/bin/sh
# outputs.sh - the rules for output files and standard streams
# (svmcheck(1), OUTPUT FILES), one part per CTest test:
#
#   sh outputs.sh PART SVMCHECK FIXTURES
#
#   nonregular  -o onto /dev/null (as root and as an unprivileged user), a
#               FIFO, /dev/stdout (a pipe; a file opened with >>) is written
#               directly and stays what it is; -o onto a symbolic link
#               replaces the file it leads to and leaves the link a link
#   inputs      -o never names an input: by name, symbolic link, hard link,
#               standard input, a profile argument with ,+MODIFIERS
#   stdfds      with descriptor 0, 1 or 2 closed, nothing meant for the
#               terminal lands in the -o file
#   names       a 250-byte -o name works; a replaced file keeps its mode
#               (and, as root, its owner); a new one gets 0666 & ~umask
#   full        with stdout on /dev/full every command says
#               "svmcheck: write error: No space left on device" once and
#               exits 2; so does -o /dev/full
#
# Every -o command is tried: replay, inspect, inspect --to raw, profile
# import.  SVMCHECK_PROFILE_PATH names the bundled profiles.
set -u
part=$1
bin=$2
fixtures=$3
page=$fixtures/raw/longmode.bin
profile=${SVMCHECK_PROFILE_PATH%%:*}/epyc-milan.json
fails=0
tmp=$(mktemp -d /tmp/svmc-outputs-XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
[ -r "$page" ] && [ -r "$profile" ] || {
	echo "missing fixtures ($page, $profile)"
	exit 2
}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run_o CMD TARGET: the -o command CMD writing TARGET; stdout and stderr as given
run_o() {
	case $1 in
	replay) "$bin" replay -c epyc-milan -o "$2" "$page" ;;
	inspect) "$bin" inspect -o "$2" "$page" ;;
	raw) "$bin" inspect --to raw -o "$2" "$page" ;;
	import) "$bin" profile import "$profile" -o "$2" ;;
	esac
}

# The devices written with -o: as root, nodes of our own in the temporary
# directory, so that a program that replaces its target cannot replace the
# machine's /dev/null; an unprivileged user cannot replace /dev entries.
# /dev/stdout is tried through a link of our own to /proc/self/fd/1 for the
# same reason.
if [ "$(id -u)" = 0 ]; then
	mknod null c 1 3 && mknod full c 1 7 && chmod 666 null full || exit 2
	null=$tmp/null
	full=$tmp/full
else
	null=/dev/null
	full=/dev/full
fi
ln -s /proc/self/fd/1 stdout || exit 2
chmod 755 "$tmp"

# what CMD writes to its -o file, into expect.CMD (through a plain new file)
for cmd in replay inspect raw import; do
	run_o $cmd "expect.$cmd" >/dev/null 2>&1 || fail "$cmd -o expect.$cmd"
	[ -s "expect.$cmd" ] || fail "$cmd wrote nothing"
done

# no temporary file left in directory $1
no_tmp() {
	for f in "$1"/*.tmp??????; do
		[ -e "$f" ] && fail "temporary file left behind: $f"
	done
}

case $part in
nonregular)
	for cmd in replay inspect raw import; do
		run_o $cmd "$null" >/dev/null || fail "$cmd -o NULL-DEVICE exits $?"
		[ -c "$null" ] || {
			fail "$cmd -o NULL-DEVICE replaced the device"
			rm -f "$null"
			mknod "$null" c 1 3 && chmod 666 "$null"
		}
		if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
			# an unprivileged user cannot create a file in /dev: none is needed
			setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c \
				"cd / && exec \"\$@\"" sh "$bin" replay -c epyc-milan \
				-o /dev/null "$page" >/dev/null ||
				fail "replay -o /dev/null as nobody"
		fi
		rm -f fifo got
		mkfifo fifo
		cat fifo >got &
		reader=$!
		run_o $cmd fifo >/dev/null || fail "$cmd -o FIFO exits $?"
		[ -p fifo ] || {
			fail "$cmd -o FIFO: the FIFO is gone"
			kill $reader # it waits for a writer that never comes
		}
		wait $reader
		cmp -s got "expect.$cmd" || fail "$cmd -o FIFO: the reader got something else"
		run_o $cmd "$tmp/stdout" 2>/dev/null | cat >got ||
			fail "$cmd -o /dev/stdout into a pipe"
		# inspect --to raw says "1 record written to /dev/stdout" on stdout too
		[ $cmd = raw ] && head -c 4096 got >got.page && mv got.page got
		cmp -s got "expect.$cmd" || fail "$cmd -o /dev/stdout: the pipe got something else"
		echo before >log
		run_o $cmd "$tmp/stdout" >>log 2>/dev/null
		{
			echo before
			cat "expect.$cmd"
		} >want
		[ "$cmd" = raw ] || cmp -s log want ||
			fail "$cmd -o /dev/stdout >>log did not append"
		rm -f target link dangling new
		echo old >target
		ln -s target link
		run_o $cmd link >/dev/null || fail "$cmd -o SYMLINK exits $?"
		[ -L link ] || fail "$cmd -o SYMLINK replaced the link"
		cmp -s target "expect.$cmd" || fail "$cmd -o SYMLINK: the target has something else"
		ln -s new dangling
		run_o $cmd dangling >/dev/null || fail "$cmd -o DANGLING-SYMLINK exits $?"
		[ -L dangling ] && cmp -s new "expect.$cmd" ||
			fail "$cmd -o DANGLING-SYMLINK did not create what it leads to"
		mkdir -p sub
		rm -f sub/t
		echo old >sub/t
		ln -sf sub/t relink
		run_o $cmd relink >/dev/null || fail "$cmd -o sub-link exits $?"
		cmp -s sub/t "expect.$cmd" || fail "$cmd -o LINK-TO-sub/t: sub/t not replaced"
		no_tmp .
		no_tmp sub
	done
	;;
inputs)
	for cmd in replay inspect raw; do
		cp "$page" in.bin
		ln -sf in.bin in-link
		ln -f in.bin in-hard
		for out in in.bin in-link in-hard ./in.bin; do
			"$bin" $([ $cmd = raw ] && echo inspect --to raw || echo $cmd) \
				$([ $cmd = replay ] && echo -c epyc-milan) -o $out in.bin >/dev/null 2>err
			rc=$?
			[ $rc = 2 ] && grep -q "one of the inputs" err ||
				fail "$cmd -o $out in.bin: exit $rc, $(cat err)"
			cmp -s in.bin "$page" || fail "$cmd -o $out in.bin changed the input"
		done
		"$bin" $([ $cmd = raw ] && echo inspect --to raw || echo $cmd) \
			$([ $cmd = replay ] && echo -c epyc-milan) -o in-hard - <in.bin >/dev/null 2>err
		rc=$?
		[ $rc = 2 ] && grep -q "one of the inputs" err ||
			fail "$cmd -o FILE - <FILE: exit $rc, $(cat err)"
		cmp -s in.bin "$page" || fail "$cmd -o FILE - <FILE changed the input"
	done
	cp "$profile" p.json
	ln -sf p.json p-link
	ln -f p.json p-hard
	for arg in p.json p.json,+shstk p.json,maxphyaddr=40; do
		for out in p.json p-link p-hard; do
			"$bin" profile import "$arg" -o $out >/dev/null 2>err
			rc=$?
			[ $rc = 2 ] && grep -q "one of the inputs" err ||
				fail "profile import $arg -o $out: exit $rc, $(cat err)"
			cmp -s p.json "$profile" || fail "profile import $arg -o $out changed the input"
		done
	done
	"$bin" profile import epyc-rome --guest p.json,-shstk -o p-link >/dev/null 2>err
	[ $? = 2 ] || fail "profile import --guest FILE,-shstk -o LINK-TO-FILE"
	# /dev/null as input and output is no damage
	"$bin" replay -c epyc-milan -o "$null" "$null" 2>err
	rc=$?
	grep -q "one of the inputs" err && fail "-o /dev/null /dev/null refused ($rc)"
	;;
stdfds)
	# stdout closed: the temporary file would be descriptor 1
	"$bin" inspect --to raw -o raw.out "$page" >&-
	[ $? = 0 ] || fail "inspect --to raw -o F >&- exits $?"
	cmp -s raw.out "$page" || fail "inspect --to raw -o F >&-: F is not the page ($(wc -c <raw.out) bytes)"
	"$bin" replay -c epyc-milan -o v.txt "$page" >&-
	cmp -s v.txt expect.replay || fail "replay -o F >&-: F has something else"
	# stderr closed: the temporary file would be descriptor 2
	"$bin" -j replay -c epyc-milan -o v.ndjson missing.bin "$page" 2>&-
	[ $? = 2 ] || fail "replay -j -o F MISSING PAGE 2>&- does not exit 2"
	grep -q 'svmcheck:' v.ndjson && fail "replay -j -o F 2>&-: messages in F: $(cat v.ndjson)"
	[ "$(wc -l <v.ndjson)" = 3 ] || fail "replay -j -o F 2>&-: F is not error, record, summary"
	grep -vq '^{' v.ndjson && fail "replay -j -o F 2>&-: F is not NDJSON"
	"$bin" inspect -o i.txt missing.bin "$page" 2>&-
	grep -q 'svmcheck:' i.txt && fail "inspect -o F 2>&-: messages in F"
	# stdin closed
	"$bin" inspect -o i2.txt "$page" <&- >/dev/null
	cmp -s i2.txt expect.inspect || fail "inspect -o F <&-: F has something else"
	"$bin" profile import "$profile" -o p.json >&- 2>&-
	cmp -s p.json expect.import || fail "profile import -o F >&- 2>&-: F has something else"
	;;
names)
	long=$(printf '%0250d' 0)
	for cmd in replay inspect raw import; do
		run_o $cmd "$long" >/dev/null || fail "$cmd -o <250-byte name> exits $?"
		cmp -s "$long" "expect.$cmd" || fail "$cmd -o <250-byte name>: not written"
		echo old >"$long"
		run_o $cmd "$long" >/dev/null || fail "$cmd -o <existing 250-byte name> exits $?"
		cmp -s "$long" "expect.$cmd" || fail "$cmd -o <existing 250-byte name>: not replaced"
		rm -f "$long" secret
		echo old >secret
		chmod 600 secret
		run_o $cmd secret >/dev/null
		[ "$(stat -c %a secret)" = 600 ] || fail "$cmd -o made a 0600 file $(stat -c %a secret)"
		chmod 640 secret
		if [ "$(id -u)" = 0 ]; then
			chown nobody secret
			run_o $cmd secret >/dev/null
			[ "$(stat -c '%a %U' secret)" = "640 nobody" ] ||
				fail "$cmd -o as root made nobody's 0640 file $(stat -c '%a %U' secret)"
		fi
		rm -f new1 new2
		(umask 022 && run_o $cmd new1 >/dev/null)
		[ "$(stat -c %a new1)" = 644 ] || fail "$cmd -o new file under umask 022: $(stat -c %a new1)"
		(umask 077 && run_o $cmd new2 >/dev/null)
		[ "$(stat -c %a new2)" = 600 ] || fail "$cmd -o new file under umask 077: $(stat -c %a new2)"
		no_tmp .
	done
	;;
full)
	# one line each, the reason named, exit 2
	check_full() {
		"$@" >/dev/full 2>err
		rc=$?
		[ $rc = 2 ] || fail "$* >/dev/full exits $rc"
		[ "$(cat err)" = "svmcheck: write error: No space left on device" ] ||
			fail "$* >/dev/full says: $(cat err)"
	}
	for j in "" -j; do
		check_full "$bin" $j vectors -c epyc-milan
		check_full "$bin" $j checks
		check_full "$bin" $j migrate --from epyc-milan --to epyc-rome
		check_full "$bin" $j matrix epyc-milan epyc-rome
		check_full "$bin" $j profile show epyc-milan
		check_full "$bin" $j profile list
		check_full "$bin" $j profile import "$profile"
		check_full "$bin" $j replay -c epyc-milan "$page"
		check_full "$bin" $j inspect "$page"
	done
	# capture needs a host it can read (an AMD CPU with SVM, or any x86)
	if "$bin" profile capture >/dev/null 2>&1; then
		check_full "$bin" profile capture
	fi
	check_full "$bin" inspect --to raw -o - "$page"
	check_full "$bin" --help
	check_full "$bin" replay --help
	# an -o file that cannot be written: said once, with the reason
	for cmd in replay inspect raw import; do
		run_o $cmd "$full" >/dev/null 2>err
		rc=$?
		[ $rc = 2 ] || fail "$cmd -o /dev/full exits $rc"
		grep -q 'No space left on device' err || fail "$cmd -o /dev/full says: $(cat err)"
		[ "$(wc -l <err)" = 1 ] || fail "$cmd -o /dev/full says more than once: $(cat err)"
	done
	;;
*)
	echo "unknown part $part"
	exit 2
	;;
esac
[ $fails = 0 ] || exit 1
echo "outputs $part: ok"
