#!/bin/sh
# The shipped mapping files (mappings/NAME.json, built into soc-ingest):
# each loads, its own examples are detected as its format and map to the
# golden records (tests/fixtures/ingest/mappings/NAME.out), and every
# line ends as a record or a reject.  Then the property over all of them
# with broken times: each line is exactly one record or one reject that
# holds the raw line.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
M=$SOC_TOP/mappings
G=$FIX/ingest/mappings
export SOC_NOW=2026-11-22T00:00:00Z
names=$(cd "$M" && ls | sed -n 's/\.json$//p' | LC_ALL=C sort)
plan $(($(echo $names | wc -w) * 5 + 4))

# The examples of mapping file $1, one event a line.
examples() {
	if [ "$(jq -r .format "$1")" = json ]; then
		jq -c '.examples[]' "$1"
	else
		jq -r '.examples[]' "$1"
	fi
}

for m in $names; do
	examples "$M/$m.json" >"$m.in"
	check "$m: has examples" '[ -s "$m.in" ]'
	check_exit "$m: its examples map, exit 0" 0 \
	    'soc-ingest --rejects "$m.rej" "$m.in" >"$m.out" 2>"$m.err"'
	check_same "$m: golden records" "$G/$m.out" "$m.out"
	check "$m: each example is detected as $m" \
	    'jq -r .soc.source.format "$m.out" | sort -u >fmts && echo "$m" | cmp -s - fmts'
	check "$m: each line a record or a reject" \
	    '[ $(( $(wc -l <"$m.out") + $(wc -l <"$m.rej") )) -eq $(wc -l <"$m.in") ]'
done

# Every example of the JSON mappings again with a time that does not
# parse, mixed with the good ones and the text examples.
for m in $names; do
	f=$M/$m.json
	examples "$f"
	[ "$(jq -r .format "$f")" = json ] || continue
	# (a mapping whose time a let value reads, from wherever it finds
	# it, as azure-activity reads AKS times inside properties.log's
	# JSON text, has good examples only: this cannot break its times)
	[ "$(jq '[.timestamp | .. | strings | select(startswith("%"))] |
	    length' "$f")" = 0 ] || continue
	# (every time field the example has, and the first one named: a
	# mapping with several tries them in turn)
	jq -c '[.timestamp | if type == "array" then .[] else . end | .field |
	    if type == "array" then .[] else . end | ltrimstr("/") |
	    split(".")] as $t | .examples[] | setpath($t[0]; "not-a-time") |
	    reduce $t[] as $p (.; if getpath($p) != null then
	    setpath($p; "not-a-time") else . end)' "$f"
done >mixed
check_exit 'the mixed stream: exit 65' 65 'soc-ingest --rejects rej mixed >out 2>err'
check 'records + rejects = the lines' \
    '[ $(( $(wc -l <out) + $(wc -l <rej) )) -eq $(wc -l <mixed) ]'
check 'each broken time is a reject' \
    '[ $(wc -l <rej) -eq $(grep -c not-a-time mixed) ]'
check 'each reject holds its raw line' \
    'awk "{ print NR \"\t\" \$0 }" mixed >want &&
     jq -r "\"\(.soc.reject.line)\t\(.soc.reject.raw)\"" rej >got &&
     [ -s got ] && grep -vxFf want got >missing; [ ! -s missing ]'
done_testing
