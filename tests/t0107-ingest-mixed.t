#!/bin/sh
# A mixed stream (cat *.log | soc-ingest): the format is detected per
# event, and ids do not depend on the stream around an event.
. "$(dirname "$0")/lib.sh"
plan 7
export SOC_NOW=2026-11-22T00:00:00Z
F="$FIX/ingest"
{
	sed -n 1p "$F/suricata-eve.json"
	sed -n 1p "$F/wazuh.json"
	sed -n 1p "$F/windows.json"
	sed -n 8p "$F/windows.json"
	sed -n 1p "$F/ecs.json"
	echo 'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232'
	echo '<34>1 2026-11-21T22:14:15.003Z mymachine.example.com su - ID47 - BOM'"'"'su root'"'"' failed for lonvick on /dev/pts/8'
	sed -n 4p "$F/suricata-eve.json"
	sed -n 5p "$F/windows.json"
} >"$T/mixed"
check_exit 'a mixed stream: exit 0' 0 'soc-ingest "$T/mixed" >"$T/out" 2>"$T/err"'
jq -r '.soc.source.format' "$T/out" >"$T/formats"
printf '%s\n' suricata-eve wazuh windows windows ecs cef syslog suricata-eve windows >"$T/want"
check_same 'each event detected as its own format' "$T/want" "$T/formats"
# The same events alone give the same ids.
for f in suricata-eve wazuh windows ecs; do
	(cd "$F" && soc-ingest "$f.json" 2>/dev/null)
done | jq -r .soc.id | sort >"$T/alone"
jq -r .soc.id "$T/out" | sort >"$T/mixed-ids"
check 'ids in the mixed stream are those of the events alone (all but CEF, syslog)' \
    'test "$(comm -23 "$T/mixed-ids" "$T/alone" | wc -l)" -eq 2'
check 'ids are stable across runs' \
    'soc-ingest "$T/mixed" 2>/dev/null | jq -r .soc.id >"$T/ids2" && jq -r .soc.id "$T/out" | cmp -s - "$T/ids2"'
check 'soc.source.line follows the input' \
    'test "$(jq -r .soc.source.line "$T/out" | tr "\n" " ")" = "1 2 3 4 5 6 7 8 9 "'
check_exit 'stdin and "-" work, file "-"' 0 \
    'soc-ingest - <"$T/mixed" >"$T/out2" && jq -e -s "all(.soc.source.file == \"-\")" "$T/out2" >/dev/null'
check 'with --keep-original, event.original is the line and the id unchanged' \
    'soc-ingest --keep-original "$T/mixed" >"$T/out3" 2>/dev/null &&
     test "$(sed -n 1p "$T/out3" | jq -r .event.original)" = "$(sed -n 1p "$T/mixed")" &&
     test "$(jq -r .soc.id "$T/out3" | tr -d "\n")" = "$(jq -r .soc.id "$T/out" | tr -d "\n")"'
done_testing
