#!/bin/sh
# soc-ingest rejects of the cloud, identity and EDR formats: wrong types,
# absurd times, truncated JSON, a forced format that does not fit.  Each
# bad event is one reject naming what is wrong; the good events around it
# are still records.  A severity off the vendor's scale is no evidence:
# the event is a record with the default soc.severity, not a reject.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
export SOC_NOW=2026-11-22T00:00:00Z

cat >"$T/in" <<'X'
{"eventVersion":"1.08","eventTime":"2099-01-01T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","userName":"a"}}
{"eventVersion":"1.08","eventTime":{"when":"today"},"eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1"}
{"eventVersion":"1.08","eventTime":12,"eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1"}
{"schemaVersion":"2.0","accountId":"111122223333","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f","id":"f","type":"Recon:EC2/PortProbeUnprotectedPort","severity":42,"createdAt":"2026-11-20T00:00:00Z","updatedAt":"2026-11-20T00:00:00Z","service":{}}
{"uuid":"u1","published":"yesterday","eventType":"user.session.start","actor":{"id":"x","alternateId":"a@b.c","type":"User"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"192.0.2.1"}}
{"uuid":"u2","published":"2026-11-20T00:00:00Z","eventType":"user.session.start","actor":{"id":"x","alternateId":"a@b.c","type":"User"},"outcome":{"result":"SUC
{"CreationTime":"2026-13-45T00:00:00","Id":"i","Operation":"FileAccessed","Workload":"SharePoint","RecordType":6,"UserId":"a@b.c"}
{"logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protoPayload":"not an object","timestamp":"2026-11-20T00:00:00Z"}
{"org_key":"K","id":"a1","type":"CB_ANALYTICS","severity":11,"reason":"r","device_id":1,"device_name":"h","create_time":"2026-11-20T00:00:00Z","alert_url":"u"}
{"@timestamp":"2026-11-20T00:00:00Z","kibana.alert.rule.name":"r","kibana.alert.risk_score":150}
[{"SchemaVersion":"2018-10-08","Id":"x","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","AwsAccountId":"1","GeneratorId":"g","CreatedAt":"2026-11-20T00:00:00Z","UpdatedAt":"2026-11-20T00:00:00Z","Severity":{"Normalized":500},"Title":"t"}]
{"metadata":{"eventType":"DetectionSummaryEvent","customerIDString":"c","eventCreationTime":"1800000000000"},"event":{"ComputerName":"h"}}
{"uuid":"u3","published":"2026-11-20T00:00:00Z","eventType":"user.session.start","actor":{"id":"x","alternateId":"ok@b.c","type":"User"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"192.0.2.1"}}
X
soc-ingest --rejects "$T/rej" "$T/in" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
# A forced format that does not fit the event.
sed -n 13p "$T/in" >"$T/okta"
soc-ingest -f cloudtrail "$T/okta" >"$T/f.out" 2>"$T/f.err"
echo $? >"$T/f.rc"

reason() {	# reason LINE PATTERN: the reject of that line says PATTERN
	jq -r "select(.soc.reject.line == $1) | .soc.reject.reason" "$T/rej" >"$T/r$1"
	grep -q -- "$2" "$T/r$1" || { echo "line $1: $(cat "$T/r$1")"; false; }
}

plan 17
check_exit 'exit status 65: some events rejected' 0 '[ "$(cat "$T/rc")" = 65 ]'
check 'five records: the good Okta event and four off-scale severities' \
    '[ $(grep -c . "$T/out") -eq 5 ] && jq -e "select(.soc.source.line == 13) | .user.name == \"ok@b.c\"" "$T/out"'
check 'eight rejects, one per bad event' '[ $(grep -c . "$T/rej") -eq 8 ]'
check 'cloudtrail: a time in 2099 is absurd' "reason 1 \"cloudtrail: bad eventTime '2099-01-01T00:00:00Z'\""
check 'cloudtrail: an object is not a time' 'reason 2 "cloudtrail: bad eventTime (not a time)"'
check 'cloudtrail: epoch 12 is before 1990' 'reason 3 "cloudtrail: bad eventTime (number out of range)"'
check 'okta: an unparsable published' "reason 5 \"okta: bad published 'yesterday'\""
check 'truncated JSON is a reject of its own line' 'reason 6 "truncated JSON"'
check 'm365: month 13' "reason 7 \"m365: bad CreationTime '2026-13-45T00:00:00'\""
check 'gcp-audit: protoPayload of the wrong type' 'reason 8 "gcp-audit: no protoPayload object"'
# offscale LINE FORMAT: a record with the default severity and no vendor one
offscale() {
	jq -s -e "any(.[]; .soc.source.line == $1 and .soc.source.format == \"$2\" and .soc.severity == 50 and .event.severity == null)" "$T/out" >/dev/null
}
check 'guardduty: severity 42 of 0-10 is no evidence' 'offscale 4 guardduty'
check 'carbonblack: severity 11 of 1-10 is no evidence' 'offscale 9 carbonblack'
check 'elastic-alert: risk_score 150 of 0-100 is no evidence' 'offscale 10 elastic-alert'
check 'asff: Severity.Normalized 500 of 0-100 is no evidence' 'offscale 11 asff'
check 'crowdstrike: a creation time years ahead' "reason 12 \"crowdstrike: bad metadata.eventCreationTime '1800000000000'\""
check_exit '-f cloudtrail on an Okta event: exit 65' 0 '[ "$(cat "$T/f.rc")" = 65 ] && [ ! -s "$T/f.out" ]'
check '-f cloudtrail on an Okta event: the reason names the missing time' \
    'grep -q "cloudtrail: no eventTime" "$T/f.err"'
done_testing
