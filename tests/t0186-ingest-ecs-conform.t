#!/bin/sh
# ECS conformance, checked against ECS itself: soc-ingest runs over every
# ingest fixture and every event file of ../shared/corpus (when present),
# soc-score over what it wrote, and tests/ecs-check.py checks every field
# of every record against tests/data/ecs-fields.tsv (the ECS project's
# field definitions, written by scripts/ecs-table): ECS names with the JSON
# type of their ECS type, arrays where ECS has arrays, ECS allowed values,
# and every other field under a vendor namespace or soc.*.  A problem is
# named as INPUT:LINE: FIELD: reason.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
export SOC_NOW=2026-11-22T00:00:00Z
TABLE=$SOC_TOP/tests/data/ecs-fields.tsv
CHECK="python3 $SOC_TOP/tests/ecs-check.py $TABLE"

# The inputs: FILE|ARGS (ARGS before the file; auto-detection otherwise).
# Golden outputs (.out .err .rc: tests/fixtures/ingest/golden.sh),
# the test helpers and the --map files are not inputs.
: >"$T/inputs"
( cd "$FIX/ingest" && find . -type f | sed 's|^\./||' | LC_ALL=C sort ) |
while read -r f; do
	case $f in
	*.out|*.err|*.rc|*.sh|*.jq|*/README) continue ;;
	map-csv.json|map-json.json|snort-csv.map.json) continue ;;
	map.csv) echo "$FIX/ingest/$f|-f csv --map $FIX/ingest/map-csv.json" ;;
	map.json) echo "$FIX/ingest/$f|-f json-map --map $FIX/ingest/map-json.json" ;;
	*) echo "$FIX/ingest/$f|" ;;
	esac
done >>"$T/inputs"
if [ -d "$CORPUS" ]; then
	( cd "$CORPUS" && find . -type f | sed 's|^\./||' | LC_ALL=C sort ) |
	while read -r f; do
		case $f in
		mitre-attack/*|threat-intel/*) continue ;;
		*.md|*.tsv|*.yaml|*.txt|*.gz|*.csv) continue ;;
		esac
		echo "$CORPUS/$f|"
	done >>"$T/inputs"
fi
n=$(wc -l <"$T/inputs")
plan $((n + 5))

# The checker finds what it must: a record with each kind of fault.
cat >"$T/bad.ndjson" <<'X'
{"@timestamp":"2026-11-22T00:00:00.000Z","ecs":{"version":"1.0"},"event":{"kind":"alarm","category":"network","type":["info"]},"observer":{"type":["ids"]},"dns":{"id":1},"source":{"ip":"2001:DB8:0:0::1","port":"80"},"x509":{"serial_number":"01"},"process":{"target":{"name":"a"}},"okta":{"anything":[1,{"x":2}]},"soc":{"kind":"alert","source":{"line":7}}}
X
$CHECK "bad=$T/bad.ndjson" >"$T/bad.out" 2>&1
echo $? >"$T/bad.rc"
cat >"$T/bad.want" <<'X'
bad:7: ecs.version: is "1.0", not "VERSION"
bad:7: event.kind: "alarm" is not an ECS allowed value
bad:7: event.category: is not an array; ECS normalises it to one
bad:7: observer.type: is an array; ECS keeps one value here (keyword)
bad:7: dns.id: 1 is not a valid keyword
bad:7: source.ip: "2001:DB8:0:0::1" is not in canonical form (RFC 5952: 2001:db8::1)
bad:7: source.port: "80" is not a valid long
bad:7: x509.serial_number: is not an ECS field and not under a vendor namespace
bad:7: process.target.name: is not an ECS field and not under a vendor namespace
X
v=$(sed -n 's/^# ECS \([^ ]*\) field definitions.*/\1/p' "$TABLE" | sed 's/-dev$//')
sed -i "s/VERSION/$v/" "$T/bad.want"
echo 1 >"$T/bad.want.rc"
check_same 'the checker names each fault of a bad record' "$T/bad.want" "$T/bad.out"
check_same 'and fails on it' "$T/bad.want.rc" "$T/bad.rc"

# soc-ingest over every input: records or rejects, never a crash.
i=0
: >"$T/args"
while IFS='|' read -r f args; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	check "soc-ingest ${f#"$SOC_TOP"/} ends with records or rejects" \
	    'soc-ingest $args "$f" >"$T/r$i.ndjson" 2>/dev/null; rc=$?; [ $rc = 0 ] || [ $rc = 65 ]'
	printf '%s=%s\n' "${f#"$SOC_TOP"/}" "$T/r$i.ndjson" >>"$T/args"
done <"$T/inputs"

check 'every field of every record is ECS, vendor or soc' \
    'xargs '"$CHECK"' <"$T/args" >"$T/ingest.problems" || { head -50 "$T/ingest.problems"; echo "($(wc -l <"$T/ingest.problems") problems)"; false; }'

# The stages that write ECS fields: soc-score (event.risk_score,
# event.risk_score_norm) over all of it.
cat "$T"/r*.ndjson >"$T/all.ndjson"
check_exit 'soc-score over every record' 0 \
    'soc-score <"$T/all.ndjson" >"$T/scored.ndjson"'
check 'and its records too' \
    ''"$CHECK"' "scored=$T/scored.ndjson" >"$T/score.problems" || { head -50 "$T/score.problems"; echo "($(wc -l <"$T/score.problems") problems)"; false; }'
done_testing
