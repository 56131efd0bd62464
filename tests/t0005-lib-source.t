#!/bin/sh
# House rules checked on the source: no banned functions, man pages lint
# clean, every program has a man page and answers --help and --version.
. "$(dirname "$0")/lib.sh"
cd "$SOC_TOP" || exit 1
progs=$(ls cmd 2>/dev/null | sed -n 's/^\(soc-[a-z]*\).*/\1/p' | sort -u)
plan $((2 + 3 * $(echo "$progs" | grep -c .)))
check 'no banned functions (strcpy strcat sprintf vsprintf strtok gets atoi atol localtime gmtime mktemp)' \
	'! grep -nE "(^|[^_a-z])(strcpy|strcat|sprintf|vsprintf|strtok|gets|atoi|atol|localtime|gmtime|mktemp) *\(" \
	    common/*.c cmd/*.c cmd/*/*.c tests/unit/*.c tests/tools/*.c fuzz/*.c 2>/dev/null'
check 'man pages lint clean (mandoc -Tlint -Wwarning)' \
	'mandoc -Tlint -Wwarning man/*.1 man/*.7'
for p in $progs; do
	check "$p has a man page" "test -f man/$p.1"
	check "$p --help exits 0 and prints usage" "$p --help | grep -q \"^usage: $p\""
	check "$p --version" "$p --version | grep -q \"^$p (socpipe) \""
done
done_testing
