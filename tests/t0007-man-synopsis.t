#!/bin/sh
# Every program, the same checks once: its man page is mandoc-clean, -h and
# --help print the usage to stdout with exit 0 and that usage equals the
# man page's SYNOPSIS word for word, -V and --version name the program,
# and an unknown option is a usage error (64) with the usage on stderr.
# --config naming no file is a configuration error (78) before any input
# is read, and a usage error (64) for the programs that have no
# configuration file (soc-ingest, soc-audit).
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all 'mandoc not installed'
progs=
for m in "$SOC_TOP"/man/soc-*.1; do
	p=$(basename "$m" .1)
	[ -x "$SOC_BIN/$p" ] && progs="$progs $p"
done
set -- $progs
plan $(($# * 9 + 2))	# + the message of the two that refuse --config
for p in $progs; do
	man="$SOC_TOP/man/$p.1"
	check "$p: man page is mandoc -Tlint -Wwarning clean" "mandoc -Tlint -Wwarning '$man'"
	check_exit "$p --help: 0" 0 "$p --help >help.$p"
	check_exit "$p -h: 0" 0 "$p -h >h.$p"
	check_same "$p: -h is --help" "help.$p" "h.$p"
	# The usage lines (the first and those indented after it) as words.
	mandoc -Tascii "$man" | col -b |
	    awk '/^SYNOPSIS/ { s = 1; next } /^[A-Z]/ { s = 0 } s' |
	    tr -s ' \t\n' '\n' | grep -v '^$' >syn.man
	awk 'NR == 1 && /^usage:/ { u = 1 } u && (NR == 1 || /^[ \t]/ || /^$/) { print; next } { u = 0 }' "help.$p" |
	    sed 's/^usage://' | tr -s ' \t\n' '\n' | grep -v '^$' >syn.help
	check_same "$p: --help usage equals the man SYNOPSIS" syn.man syn.help
	check_exit "$p --version: 0" 0 "$p --version >v.$p && $p -V >V.$p"
	check "$p: -V and --version name the program" \
		"grep -q '^$p (socpipe) ' v.$p && cmp -s v.$p V.$p"
	check_exit "$p: an unknown option is 64" 64 "$p --no-such-option 2>err.$p"
	case $p in
	soc-simulate)
		check_exit "$p: --config is not an option: 64" 64 \
		    "$p --config none.json 2>cfg.$p" ;;
	soc-ingest | soc-audit)
		# (soc-audit's verb is there: without one it is 64 anyway)
		check_exit "$p: --config refused: 64" 64 \
		    "$p --config none.json $([ $p = soc-audit ] && echo verify) </dev/null >/dev/null 2>cfg.$p"
		check "$p: it says it has no configuration file" \
		    "grep -q 'has no configuration file' cfg.$p" ;;
	*)
		check_exit "$p: --config naming no file: 78" 78 \
		    "$p --config none.json </dev/null >/dev/null 2>cfg.$p" ;;
	esac
done
done_testing
