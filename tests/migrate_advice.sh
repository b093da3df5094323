#!/bin/sh
# migrate_advice.sh SVMCHECK RECORDS PROFILES_DIR
#
# Every "check:" command and every "svmcheck migrate ... INPUT..." that
# migrate's advice prints is run as printed (shell words and all), under -j,
# and must give what its advice promises:
#   "without F, G, or pin them off"  no narrowing because of F or G is left;
#   "physical address width"         no narrowing because of MAXPHYADDR is left;
#   "a guest CPU model both hosts can run"  blocked_by is empty on both sides;
#   "replay ... INPUT..."            with RECORDS as INPUT, the records are judged.
# Each scenario must print the kinds of advice listed for it, so that advice
# which disappears or loses its command fails too.
set -u
bin=$1 records=$2 profiles=$3
# shellcheck source=tests/commands_lib.sh
. "$(dirname "$0")/commands_lib.sh"

# run_check PROMISE CMD: CMD is "svmcheck migrate ..." as printed
run_check() {
	promise=$1 cmd=$2
	run_migrate "$cmd" || return
	case $promise in
	features:*)
		for f in $(echo "${promise#features:}" | tr ',' ' '); do
			if grep -q "\"from\":true,\"to\":false,\"because\":\"$f:" "$T/json"; then
				fail "$cmd: still narrows because of $f"
			fi
		done
		;;
	maxphyaddr)
		if grep -q '"from":true,"to":false,"because":"MAXPHYADDR' "$T/json"; then
			fail "$cmd: still narrows because of MAXPHYADDR"
		fi
		;;
	runs)
		grep -q '"blocked_by":{"from":\[\],"to":\[\]}' "$T/json" ||
			fail "$cmd: a host still cannot run the guest model: $(grep -o '"blocked_by":{[^}]*}' "$T/json")"
		;;
	records)
		grep -q '"records":[1-9]' "$T/json" || fail "$cmd: no record judged"
		;;
	esac
	echo "ok: $promise: $cmd"
}

# scenario "EXPECTED KINDS" ARGS...: run migrate ARGS, run every advice
# command, and require exactly the kinds of advice expected (in order)
scenario() {
	want=$1
	shift
	"$bin" migrate "$@" > "$T/out" 2> "$T/err"
	if [ $? -eq 2 ]; then
		fail "migrate $*: exit 2: $(cat "$T/err")"
		return
	fi
	unwrap "^what to do:" "$T/out" > "$T/advice"
	kinds=
	while IFS= read -r line; do
		case $line in
		*"both hosts can run, without "*)
			kind=runs
			cmd=${line#*(check: }
			cmd=${cmd%)}
			;;
		*"CPU model without "*"(check: "*)
			kind=features
			f=${line#*CPU model without }
			f=${f%%, or pin*}
			cmd=${line#*(check: }
			cmd=${cmd%)}
			run_check "features:$(echo "$f" | tr -d ' ')" "$cmd"
			kinds="$kinds $kind"
			continue
			;;
		*"physical address width"*)
			kind=maxphyaddr
			cmd=${line#*check: }
			cmd=${cmd%)}
			;;
		*"captured VMCBs: svmcheck migrate "*" INPUT...")
			kind=records
			cmd=${line#*captured VMCBs: }
			cmd="${cmd% INPUT...} $records"
			;;
		*)
			continue
			;;
		esac
		run_check "$kind" "$cmd"
		kinds="$kinds $kind"
	done < "$T/advice"
	[ "$kinds" = " $want" ] || fail "migrate $*: advice kinds [$kinds ] expected [ $want ]"
}

# the VM's model needs pcid, pku (and svme_addr_chk) that Rome lacks
scenario "runs" --from epyc-milan --to epyc-rome --guest qemu-EPYC-Milan-v2
# the same as a QEMU -cpu string, under other models and --strict: kept in the check
scenario "runs" --from epyc-milan --to epyc-rome --guest EPYC-Milan-v2 --from-model kvm-legacy \
	--to-model kvm --strict
# both hosts lack what the model needs
scenario "runs" --from epyc-rome --to epyc-rome --guest qemu-EPYC-Milan-v2 -m kvm-legacy
# no guest model: features lost on the way
scenario "features" --from epyc-milan --to epyc-rome
# a change of guest model on purpose: features and the address width
scenario "features maxphyaddr" --from epyc-genoa --to epyc-genoa --to-guest qemu-EPYC-Milan-v2 \
	--allow-guest-change
# a guest model whose width differs per side only by the hosts' own
scenario "features maxphyaddr" --from epyc-genoa --to "epyc-milan,maxphyaddr=44"
# a profile path a shell must be given quoted
cp "$profiles/epyc-milan.json" "$T/my milan's.json"
scenario "features" --from "$T/my milan's.json" --to epyc-rome
# a kernel upgrade: the rules change, the captures say what breaks
scenario "records" --from epyc-milan --to epyc-milan --from-model kvm-legacy --to-model kvm

if [ $ran -lt 10 ]; then
	fail "only $ran advice commands ran"
fi
[ $fails -eq 0 ] || exit 1
echo "ok: $ran advice commands give what their advice promises"
