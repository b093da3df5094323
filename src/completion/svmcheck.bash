# svmcheck.bash - bash completion for svmcheck(1), installed as
# $datadir/bash-completion/completions/svmcheck (bash-completion loads it on
# first use of the command; or `source` it from ~/.bashrc).
#
# Completes the command words, each command's options, model names, input
# format names, --color values, profile subcommands, bundled profile names
# plus "host" and files wherever a CPU is taken, and files for inputs and -o.
# Every list comes from the svmcheck being completed, so this file never
# changes when a command, option, model or format is added:
#   svmcheck __complete commands|formats|models   (hidden helper: one word a
#       line, from the command table, the format registry, the model table)
#   svmcheck [CMD] --help                         (the options)
#   svmcheck profile list                         (the bundled profiles, so
#       SVMCHECK_PROFILE_PATH and the installed data directory both count)
# It needs nothing from the bash-completion package: `--opt=value` is split
# here, since bash's COMP_WORDBREAKS cuts words at '='.

# _svmcheck_words PROG WHAT: the words `PROG __complete WHAT` prints.
_svmcheck_words()
{
	"$1" __complete "$2" 2>/dev/null
}

# _svmcheck_options PROG [CMD]: the options of CMD's --help (of svmcheck's
# without CMD), short and long, "--opt=" for those that take an argument.
_svmcheck_options()
{
	local prog=$1 line opt IFS=$' \t\n'
	"$prog" ${2:+"$2"} --help 2>/dev/null | while IFS= read -r line; do
		# argp's option column: "  -x, --long=ARG", "      --long", "  -x"
		[[ $line =~ ^\ \ (-[^-\ ],?\ ?)?(\ \ \ \ )?(--[A-Za-z0-9-]+(\[?=)?)? ]] || continue
		[[ -n ${BASH_REMATCH[1]} || -n ${BASH_REMATCH[3]} ]] || continue
		opt=${BASH_REMATCH[1]%%[, ]*}
		[[ -n $opt ]] && printf '%s\n' "$opt"
		opt=${BASH_REMATCH[3]}
		[[ -n $opt ]] && printf '%s\n' "${opt/\[/}"
	done
}

_svmcheck_profiles()
{
	local prog=$1
	# the "name" members of the JSON listing (the text one is for people:
	# a header, wrapped descriptions)
	"$prog" profile list -j 2>/dev/null | grep -o '"name":"[^"\\]*"' | cut -d'"' -f4
}

_svmcheck_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -f -- "$1"))
}

_svmcheck_cpus()
{
	local prog=$1 cur=$2 IFS=$'\n'
	# a CPU followed by modifiers (epyc-genoa,-shstk) is left alone
	[[ $cur == *,* ]] && return
	COMPREPLY+=($(compgen -W "host$IFS$(_svmcheck_profiles "$prog")" -- "$cur"))
	_svmcheck_files "$cur"
}

# _svmcheck_value PROG CMD OPTION CUR: complete the argument of OPTION.
# Returns 1 when OPTION takes no argument.
_svmcheck_value()
{
	local prog=$1 cmd=$2 opt=$3 cur=$4
	case $opt in
	-m | --model | --from-model | --to-model)
		local models pre=""
		models=$(_svmcheck_words "$prog" models)
		# replay's and diff's -m take a comma-separated list, or all
		if [[ ($cmd == diff || $cmd == replay) && ($opt == -m || $opt == --model) ]]; then
			models+=$'\n'all
			[[ $cur == *,* ]] && pre=${cur%,*},
		fi
		COMPREPLY=($(compgen -P "$pre" -W "$models" -- "${cur#"$pre"}")) ;;
	-f | --format)
		COMPREPLY=($(compgen -W "$(_svmcheck_words "$prog" formats)" -- "$cur")) ;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur")) ;;
	--run)
		COMPREPLY=($(compgen -W "qemu bochs" -- "$cur")) ;;
	--to)
		if [[ $cmd == inspect ]]; then
			COMPREPLY=($(compgen -W "raw nested-state" -- "$cur"))
		else
			_svmcheck_cpus "$prog" "$cur"
		fi ;;
	-c | --cpu | --guest | --from | --from-guest | --to-guest)
		_svmcheck_cpus "$prog" "$cur" ;;
	-o | --output | --from-file)
		_svmcheck_files "$cur" ;;
	-t | --threads | --name | --description)
		;; # free text: nothing to offer
	*)
		return 1 ;;
	esac
	return 0
}

_svmcheck()
{
	local prog=${COMP_WORDS[0]} i t cmd="" sub="" cur prev=""
	local -a w=()
	local joined=0

	COMPREPLY=()
	# Rebuild the words up to the cursor, gluing "--opt" "=" "val" back together.
	for ((i = 0; i <= COMP_CWORD; i++)); do
		t=${COMP_WORDS[i]}
		if ((${#w[@]})) && [[ $t == = && ${w[-1]} == -* && $joined == 0 ]]; then
			w[-1]+="="
			joined=1
		elif ((${#w[@]})) && ((joined == 1)) && [[ ${w[-1]} == *= ]]; then
			w[-1]+=$t
			joined=2
		else
			w+=("$t")
			joined=0
		fi
	done
	cur=${w[-1]}
	((${#w[@]} > 1)) && prev=${w[-2]}

	# The command word and, for profile, its subcommand.
	for ((i = 1; i < ${#w[@]} - 1; i++)); do
		t=${w[i]}
		if [[ -z $cmd ]]; then
			case $t in
			-*) ;;
			*) cmd=$t ;;
			esac
		elif [[ $cmd == profile && -z $sub && $t != -* ]]; then
			case ${w[i - 1]} in
			-o | --output | --guest | --name | --description) ;;
			*) sub=$t ;;
			esac
		fi
	done

	# --opt=value
	if [[ $cur == --*=* ]]; then
		_svmcheck_value "$prog" "$cmd" "${cur%%=*}" "${cur#*=}"
		return 0
	fi
	# --opt value (prev is an option that takes an argument)
	if [[ $prev == -* ]] && _svmcheck_value "$prog" "$cmd" "$prev" "$cur"; then
		return 0
	fi

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_svmcheck_options "$prog")" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_svmcheck_words "$prog" commands)" -- "$cur"))
		fi
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi
	# a word that is not a command has no options or operands to offer
	[[ $'\n'$(_svmcheck_words "$prog" commands)$'\n' == *$'\n'"$cmd"$'\n'* ]] || return 0

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_svmcheck_options "$prog" "$cmd")" -- "$cur"))
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi
	case $cmd in
	inspect | replay | migrate | diff | summary)
		_svmcheck_files "$cur" ;;
	matrix | baseline)
		_svmcheck_cpus "$prog" "$cur" ;;
	help)
		[[ -z $sub ]] && COMPREPLY=($(compgen -W "$(_svmcheck_words "$prog" commands)" -- "$cur")) ;;
	profile)
		case $sub in
		"") COMPREPLY=($(compgen -W "show capture import list" -- "$cur")) ;;
		show) _svmcheck_cpus "$prog" "$cur" ;;
		import) _svmcheck_files "$cur" ;;
		esac ;;
	esac
	return 0
}

complete -F _svmcheck svmcheck
