# shellcheck shell=sh
# commands_lib.sh - sourced by the tests that run, as printed, the commands
# svmcheck prints (migrate_advice.sh, matrix_commands.sh): a scratch folder
# $T removed on exit, fail() counting failures, unwrap().
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C NO_COLOR=1
# ran: the sourcing test counts the commands it runs
# shellcheck disable=SC2034
fails=0 ran=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# unwrap ERE FILE: each line of FILE that matches ERE, with the lines the
# text wrapper broke it onto (at a space, going on indented by four spaces
# or more) joined back, one a line; the other lines are left out.
unwrap() {
	awk -v start="$1" '$0 ~ start { if (l != "") print l; l = $0; next }
	     /^    +[^ ]/ && l != "" { sub(/^ +/, ""); l = l " " $0; next }
	     { if (l != "") print l; l = "" }
	     END { if (l != "") print l }' "$2"
}

# run_migrate CMD: run CMD ("svmcheck migrate ..." as printed, shell words
# and all) as $bin -j migrate, its JSON into $T/json.  Not a migrate command,
# or exit 2: a failure, and returns 1.
run_migrate() {
	ran=$((ran + 1))
	rest=${1#svmcheck migrate }
	[ "$rest" != "$1" ] || { fail "not a migrate command: $1"; return 1; }
	cmd=$1
	eval "set -- $rest"
	# bin: the svmcheck under test, set by the sourcing test
	# shellcheck disable=SC2154
	"$bin" -j migrate "$@" > "$T/json" 2> "$T/err"
	[ $? -ne 2 ] || { fail "$cmd: exit 2: $(cat "$T/err")"; return 1; }
}
