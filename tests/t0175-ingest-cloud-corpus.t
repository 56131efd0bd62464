#!/bin/sh
# soc-ingest over the corpus files of the cloud, identity and EDR formats
# (../shared/corpus; skipped when absent).  Per file: the exit status (65
# exactly when something was rejected), every event is one record or one
# reject, the only rejects are events that truly carry no time (counted
# independently with jq), every record auto-detected as the expected
# format, and key fields (action, user, address, ids) where they belong,
# checked record by record against the event it came from
# (fixtures/ingest/cloud-corpus/*.jq).
. "$(dirname "$0")/lib.sh"
[ -d "$CORPUS" ] || skip_all 'no corpus at ../shared/corpus'
command -v jq >/dev/null || skip_all 'jq not installed'
Q="$FIX/ingest/cloud-corpus"

# What a time-less event looks like, per file: the jq test an event
# passes when it has none of the times its format reads.
T_CT='((.eventTime // .eventtime // .p_event_time // "") | test("^[0-9]{4}-") | not)'
T_OKTA='((.published // .p_event_time // "") | test("^[0-9]{4}-") | not)'
T_GWS='((.id.time // .p_event_time // "") | test("^[0-9]{4}-") | not)'
T_AZ='((.time // .p_event_time // (.properties.log // "{}" | fromjson | .stageTimestamp // .requestReceivedTimestamp) // "") | test("^[0-9]{4}-") | not)'
T_FDR='((.event.timestamp // .event.ContextTimeStamp // .timestamp // .p_event_time // "") | tostring | test("^[0-9]") | not)'
T_NONE='false'

# file | formats | jq program | time-less test
FILES="
aws-cloudtrail/panther/AWS_CloudTrail.events.ndjson|cloudtrail|cloudtrail|$T_CT
aws-guardduty/panther/AWS_GuardDuty.events.ndjson|guardduty|guardduty|$T_NONE
okta/panther/Okta_SystemLog.events.ndjson|okta|okta|$T_OKTA
m365-entra/panther/Azure_Audit.events.ndjson|entra-audit entra-signin|entra-monitor|$T_NONE
m365-entra/panther/Microsoft365_Audit_AzureActiveDirectory.events.ndjson|m365|m365|$T_NONE
m365-entra/panther/Microsoft365_Audit_Exchange.events.ndjson|m365|m365|$T_NONE
m365-entra/panther/Microsoft365_Audit_SharePoint.events.ndjson|m365|m365|$T_NONE
m365-entra/otrf/GoldenSAMLADFSMailAccess/AADAuditEvents.json|entra-audit|entra-la|$T_NONE
m365-entra/otrf/GoldenSAMLADFSMailAccess/OfficeActivityEvents.json|m365|m365|$T_NONE
google-workspace/panther/GSuite_ActivityEvent.events.ndjson|google-workspace|gws|$T_GWS
cloud-audit-other/panther/Azure_MonitorActivity.events.ndjson|azure-activity|azure-activity|$T_AZ
edr-alerts/panther/Crowdstrike_EventStreams.events.ndjson|crowdstrike|crowdstrike|$T_NONE
edr-alerts/panther/Crowdstrike_FDREvent.events.ndjson|crowdstrike-fdr|fdr|$T_FDR
edr-alerts/panther/MicrosoftDefenderXDR_AdvancedHunting.events.ndjson|mde|mde-ah|$T_NONE
edr-alerts/panther/MicrosoftGraph_SecurityAlertV2.events.ndjson|graph-alert|graph-alert|$T_NONE
edr-alerts/otrf/GoldenSAMLADFSMailAccess/Microsoft365DefenderEvents.json|mde|mde-rows|$T_NONE
"

plan $(( $(printf '%s\n' "$FILES" | grep -c .) * 6 ))
printf '%s\n' "$FILES" | grep . >"$T/files"
while IFS='|' read -r f fmts prog notime; do
	in="$CORPUS/$f"
	b=$(basename "$f")
	if [ ! -f "$in" ]; then
		for i in 1 2 3 4 5 6; do skip "$b: not in the corpus"; done
		continue
	fi
	SOC_NOW=2026-11-22T00:00:00Z soc-ingest --rejects "$T/rej" "$in" \
	    >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	[ -f "$T/rej" ] || : >"$T/rej"
	nev=$(grep -c . "$in")
	nrec=$(grep -c . "$T/out")
	nrej=$(grep -c . "$T/rej")
	want_rc=0
	[ "$nrej" -gt 0 ] && want_rc=65
	check "$b: exit status $want_rc" "[ \"\$(cat '$T/rc')\" = $want_rc ]"
	check "$b: $nev events = $nrec records + $nrej rejects" \
	    "[ $nev -eq $((nrec + nrej)) ]"
	check "$b: rejects only the events without a time" \
	    "[ \$(jq -c 'select($notime)' '$in' | grep -c .) -eq $nrej ] &&
	     ! jq -r .soc.reject.reason '$T/rej' | grep -v ': \\(no\\|bad\\) [A-Za-z_.]*\\( \\|\$\\)'"
	check "$b: detected as $fmts" \
	    "jq -r .soc.source.format '$T/out' | sort -u | tr '\\n' ' ' >'$T/fmt' &&
	     [ \"\$(cat '$T/fmt')\" = '$fmts ' ]"
	check "$b: key fields where they belong" \
	    "jq -n -r --slurpfile ev '$in' --slurpfile r '$T/out' -L '$Q' \
	        'include \"lib\"; \$ev as \$ev | \$r | $(cat "$Q/$prog.jq" | tr '\n' ' ')' >'$T/bad' &&
	     [ ! -s '$T/bad' ] || { head -5 '$T/bad'; false; }"
	check "$b: every record has a message, a time and a severity" \
	    "[ \$(jq -c 'select(.message and .[\"@timestamp\"] and (.soc.severity | type == \"number\"))' '$T/out' | grep -c .) -eq $nrec ]"
	rm -f "$T/rej"
done <"$T/files"
done_testing
