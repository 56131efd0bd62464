#!/bin/sh
# soc-ingest on the cloud, identity and EDR fixtures with their values'
# types changed (every string a number, every number a string, every
# object an array, every array an object, every scalar null, every
# string very long; the top level stays an object, or the driver would
# split it): no crash, exit 0 or 65, and every event still one
# record or one reject.  Run under SANITIZE=1 this is a type-confusion
# fuzz of every mapper.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
export SOC_NOW=2026-11-22T00:00:00Z

FMTS="cloudtrail guardduty asff okta entra-signin entra-audit m365
google-workspace azure-activity gcp-audit crowdstrike crowdstrike-fdr mde
graph-alert defender-incident sentinelone carbonblack elastic-alert"
MUT='walk(if type == "string" then 12 else . end)
walk(if type == "number" then "x" else . end)
with_entries(.value |= walk(if type == "object" then [.[]] else . end))
with_entries(.value |= walk(if type == "array" then {"a": .} else . end))
walk(if type == "string" or type == "number" or type == "boolean" then null else . end)
walk(if type == "string" then . * 300 else . end)
walk(if type == "string" then "T1059.001 [::1]:99 \\\\ % \u0000" else . end)'

# The fixtures, one compact event per line (arrays and Records split).
for f in $FMTS; do
	jq -c 'if type == "array" then .[] elif (type == "object" and
	    (.Records | type) == "array") then .Records[] else . end' \
	    "$FIX"/ingest/$f/*.json
done >"$T/events"
n=$(grep -c . "$T/events")

plan $(( $(printf '%s\n' "$MUT" | grep -c .) * 2 ))
printf '%s\n' "$MUT" >"$T/muts"
i=0
while IFS= read -r m; do
	i=$((i + 1))
	jq -c "$m" "$T/events" >"$T/in$i"
	for f in $FMTS; do
		soc-ingest -f "$f" --rejects "$T/rej$i.$f" "$T/in$i" \
		    >"$T/out$i.$f" 2>"$T/err$i.$f"
		echo $? >>"$T/rc$i"
	done
	soc-ingest --rejects "$T/rej$i" "$T/in$i" >"$T/out$i" 2>>"$T/err$i"
	echo $? >>"$T/rc$i"
	check "mutation $i: no crash, exit 0 or 65 (every format forced, and auto)" \
	    '! grep -qv "^\(0\|65\)$" "$T/rc$i" &&
	     ! cat "$T"/err$i* | grep -q "Sanitizer\|runtime error"'
	check "mutation $i: $n events = records + rejects" \
	    '[ $(( $(cat "$T/out$i" | grep -c .) + $(cat "$T/rej$i" 2>/dev/null | grep -c .) )) -eq $n ]'
done <"$T/muts"
done_testing
