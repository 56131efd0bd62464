#!/bin/sh
# soc-simulate's events through soc-ingest: every line accepted and
# detected as its format, in time order, and each campaign event's
# record holds the entities the ground truth names, so the steps can be
# correlated across sources (the same user, host, address, access key).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 9
export SOC_NOW=2026-11-22T00:00:00Z

soc-simulate --seed 3 --days 3 --users 60 --out org 2>/dev/null
check_exit 'soc-ingest reads every event: 0' 0 \
	'soc-ingest --rejects rej.ndjson org/events.log >rec.ndjson 2>ingest.err'
check 'no rejects, nothing on stderr' '! test -s rej.ndjson && ! test -s ingest.err'
check 'one record a line' 'test "$(wc -l <rec.ndjson)" -eq "$(wc -l <org/events.log)"'
jq -r .soc.source.format rec.ndjson | sort -u >formats
printf '%s\n' cef cloudtrail entra-signin okta suricata-eve syslog wazuh windows >want
check_same 'the eight formats, detected' want formats
jq -r '."@timestamp"' rec.ndjson >times
check 'in time order' 'LC_ALL=C sort -c times'

# The entities of each campaign event, as the ground truth names them.
cat >entities.jq <<'JQ'
[inputs] as $recs | $truth[] | . as $t | $recs[$t.line - 1] as $r |
([$r.related.user[]? | ascii_downcase | sub("@corp\\.example$"; "") |
  sub("^corp\\\\"; "")]) as $users |
[ if $t.expect.user and ($users | index($t.expect.user) | not)
  then "user \($t.expect.user)" else empty end,
  if $t.expect.host and (($r.related.hosts // []) | index($t.expect.host) | not)
  then "host \($t.expect.host)" else empty end,
  if $t.expect.ip and (($r.related.ip // []) | index($t.expect.ip) | not)
  then "ip \($t.expect.ip)" else empty end,
  if $t.expect.key and $r.aws.user_identity.access_key_id != $t.expect.key
  then "key \($t.expect.key)" else empty end
] | select(length > 0) | "line \($t.line) (\($t.source)): missing \(join(", "))"
JQ
jq -r -n --slurpfile truth org/truth.ndjson -f entities.jq rec.ndjson >missing
check 'every campaign event has the entities the truth names' '! test -s missing && cat missing'
jq '[.expect | keys[]] | length' org/truth.ndjson | sort -u >nexpect
check 'every campaign event names at least one entity' '! grep -qx 1 nexpect'

# Each campaign crosses sources, and its people and keys are the org's.
check 'each campaign spans two sources or more' \
	'jq -rs "group_by(.campaign)[] | [.[].source] | unique | length" org/truth.ndjson |
	 awk "\$1 < 2 { bad = 1 } END { exit bad }"'
check 'victims are in identities.csv, their keys in the events' \
	'for u in $(jq -r .user org/campaigns.ndjson); do grep -q "^$u," org/identities.csv || exit 1; done &&
	 for k in $(jq -r ".access_key // empty" org/campaigns.ndjson); do grep -q "\"accessKeyId\":\"$k\"" org/events.log || exit 1; done'
