#!/bin/sh
# soc-correlate --emit: both (the default) writes alerts and incident
# versions, alerts only the alerts, incidents only the incident records
# (the alerts are grouped and consumed); a feedback record that closes an
# incident yields its feedback records in every mode; anything else is a
# usage error.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 18
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z

run() {	# run MODE: the Suricata fixture over a fresh state into out.MODE
	SOC_HOME=$T/s.$1 soc-correlate --config "$F/hub.json" --stats \
	    ${1:+--emit "$1"} "$F/group.ndjson" >"out.$1" 2>"err.$1"
}
kinds() { jq -r '.soc.kind' "$1" | sort | uniq -c | awk '{ print $2, $1 }'; }

check_exit 'the default' 0 'run ""'
check_exit '--emit both' 0 'run both'
check_same 'both is the default' out. out.both
kinds out.both >got
printf '%s\n' 'alert 17' 'incident 6' >want
check_same 'both: every alert and every incident version' want got

check_exit '--emit alerts' 0 'run alerts'
jq -c 'select(.soc.kind == "alert")' out.both >want
check_same 'alerts: the alerts of both, soc.incident and all' want out.alerts
check 'alerts: no incident version counted as written' \
	'grep -q "^ *0 incident versions emitted" err.alerts'

check_exit '--emit incidents' 0 'run incidents'
jq -c 'select(.soc.kind == "incident")' out.both >want
check_same 'incidents: the incident versions of both' want out.incidents
check 'incidents: the 17 alerts are consumed' \
	'grep -q "17 lines in, 0 records out (0 passed through), 6 emitted, 17 consumed, 0 rejected" err.incidents'
check 'the state is the same in every mode' \
	'test "$(SOC_HOME=$T/s.alerts soc-correlate list)" = "$(SOC_HOME=$T/s.both soc-correlate list)" &&
	 test "$(SOC_HOME=$T/s.incidents soc-correlate list)" = "$(SOC_HOME=$T/s.both soc-correlate list)"'

# Feedback in the stream closes an incident: its feedback records go out
# whatever the mode; its closed version only where incidents are written.
D=$(jq -r 'select(.soc.kind == "incident" and .soc.incident.status == "open") | .soc.id' out.both | sed -n 1p)
printf '{"soc":{"kind":"feedback"},"feedback":{"target":"%s","verdict":"false_positive","by":"bob"}}\n' "$D" >fbin
for m in alerts incidents; do
	check_exit "feedback with --emit $m" 0 \
	    "SOC_HOME=\$T/s.$m soc-correlate --emit $m fbin >fb.$m 2>fberr.$m"
done
jq -c 'select(.soc.kind == "feedback")' fb.incidents >want
check_same 'the same feedback records in both modes' want fb.alerts
check 'the feedback passed on, then one per alert of the incident' \
	'test "$(jq -r .feedback.note fb.alerts | grep -c "^incident $D\$")" -ge 2 &&
	 test "$(wc -l <fb.alerts)" = "$(($(jq -r .feedback.note fb.alerts | grep -c "^incident $D\$") + 1))"'
jq -r 'select(.soc.kind == "incident") | .soc.incident.status' fb.incidents >got
echo closed >want
check_same 'incidents: the closed version' want got

check_exit '--emit with another word is a usage error' 64 \
	'soc-correlate --emit all "$F/group.ndjson" >bad.out 2>bad.err'
check 'it says what --emit takes, and writes nothing' \
	'grep -q "emit takes alerts, incidents or both" bad.err && test ! -s bad.out'
