#!/bin/sh
# scripts/long-code finds the files over 600 lines and the functions over
# 80 lines, and leaves out those whose comment gives a reason ("long:").
# It runs on a small tree made here, so each case can fail; on the real
# tree it only reports (as TAP comments): a long piece is an exception to
# explain or split, and the lead reviews the list, not make check.
. "$(dirname "$0")/lib.sh"
plan 9
lc=$SOC_TOP/scripts/long-code
mkdir -p src
# body N: N lines of a function body
body() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print "\tx++;" }'; }
{
	printf '/* short.c: nothing long */\nstatic int x;\n\n'
	printf 'static void\nfits(void)\n{\n'; body 76; printf '}\n\n'
	printf 'static void\nlong_one(int a,\n    int b)\n{\n'; body 77; printf '}\n\n'
	printf '/*\n * Why it is long.\n * long: one case a state, kept together\n */\n'
	printf 'static void\nexplained(void)\n{\n'; body 90; printf '}\n\n'
	printf '/* not a reason: long: */\nstatic void\nempty_reason(void)\n{\n'; body 90; printf '}\n'
} >src/short.c
{ printf '/*\n * big.c: a table.\n */\n'; body 650; } >src/big.c
{ printf '/*\n * table.c: a table.\n * long: one table of the codes\n */\n'; body 650; } >src/table.c
check_exit 'runs: exit 0 in report mode' 0 "'$lc' src >out 2>err"
printf '%s\n' 'src/big.c: 653 lines' 'src/short.c:268: empty_reason: 94 lines' \
    'src/short.c:85: long_one: 82 lines' >want
LC_ALL=C sort out >got
check_same 'the unexplained: the long file, the declarator counted, an empty reason' want got
check 'the count on stderr' "grep -q '^long-code: 3 without a reason, 2 with one' err"
check_exit '-a lists the explained with their reason' 0 "'$lc' -a src >all 2>/dev/null"
check 'the function reason is read from the comment above' \
    "grep -qx 'src/short.c:[0-9]*: explained: 94 lines (long: one case a state, kept together)' all"
check 'the file reason is read from its opening comment' \
    "grep -qx 'src/table.c: 654 lines (long: one table of the codes)' all"
check_exit '-c: 1 when one without a reason is left' 1 "'$lc' -c src >/dev/null 2>&1"
check_exit '-c: 0 when all are explained' 0 "'$lc' -c src/table.c >/dev/null 2>&1"
check_exit 'a bad limit is a usage error' 64 "'$lc' -l x src 2>/dev/null"
# The tree as it is: a report, not a verdict.
"$lc" >tree 2>tree.err
sed 's/^/# /' tree.err
done_testing
