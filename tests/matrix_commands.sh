#!/bin/sh
# matrix_commands.sh SVMCHECK FIXTURES PROFILES_DIR
#
# Every migrate command that matrix prints (the "details of a pair" line,
# and each "check:" under --from's unsafe hosts) is run as printed, shell
# words and all, and must give the result the matrix gives for that pair:
# the grid's cell (from matrix -j's pairs) for the details line, the result
# named on the "not to" line for a check.  Fleets with @RELEASE (the
# commands then carry --from-kernel/--to-kernel), -m, --guest, --view
# silicon and a path a shell must get quoted.
set -u
bin=$1 fixtures=$2 profiles=$3
# shellcheck source=tests/commands_lib.sh
. "$(dirname "$0")/commands_lib.sh"

# run_cmd WANT CMD: CMD ("svmcheck migrate ...") must give result WANT
run_cmd() {
	want=$1 cmd=$2
	run_migrate "$cmd" || return
	got=$(grep -o '"result":"[a-z]*"' "$T/json" | head -n 1)
	[ "$got" = "\"result\":\"$want\"" ] || fail "$cmd: $got, the matrix says $want"
	echo "ok: $want: $cmd"
}

# scenario ARGS...: matrix ARGS (at least two classes, --from with an unsafe host)
scenario() {
	"$bin" matrix "$@" > "$T/out" 2> "$T/err"
	"$bin" -j matrix "$@" > "$T/mj" 2> /dev/null
	unwrap "^(details of a pair|  not to|    check:)" "$T/out" > "$T/lines"
	n=0
	while IFS= read -r line; do
		case $line in
		"details of a pair (class "*)
			pair=${line#details of a pair (class }
			i=${pair%% *}
			j=${pair#* to class }
			j=${j%%)*}
			want=$(grep -o "{\"from\":$i,\"to\":$j,\"result\":\"[a-z]*\"" "$T/mj")
			want=${want##*:\"}
			run_cmd "${want%\"}" "${line#*): }"
			;;
		"  not to "*)
			want=${line#*): }
			want=${want%%,*}
			;;
		"    check: "*)
			run_cmd "$want" "${line#    check: }"
			;;
		*)
			continue
			;;
		esac
		n=$((n + 1))
	done < "$T/lines"
	[ $n -ge 3 ] || fail "matrix $*: $n commands printed, expected the details line and checks"
}

# the same CPU under three kernels: --from-kernel/--to-kernel
scenario --from-file "$fixtures/fleet/kernels.txt" --from milan-612
scenario --from-file "$fixtures/fleet/kernels.txt" --from milan-71
# a host with a release beside hosts under -m: --to-model for those
scenario -m kvm-legacy --from a a=epyc-milan@6.12 b=epyc-rome c=epyc-milan@6.18
# a guest model, and the silicon view
scenario --guest qemu-EPYC-Rome-v4 --from a a=epyc-milan@6.12 b=epyc-milan@7.1 c=epyc-rome
scenario --view silicon --from a a=epyc-rome@6.12 b=epyc-rome c=epyc-naples@7.1
# a profile path a shell must be given quoted, with '@' in it
mkdir "$T/at@6.12"
cp "$profiles/epyc-milan.json" "$T/at@6.12/my milan's.json"
scenario --from a "a=$T/at@6.12/my milan's.json@6.12" b=epyc-rome c=epyc-milan

if [ "$ran" -lt 12 ]; then
	fail "only $ran commands ran"
fi
echo "$ran commands, $fails failures"
[ "$fails" -eq 0 ]
