#!/bin/sh
# soc-audit stats: a SOC's figures from its audit log and correlate.db.
# Two days of a small SOC are appended entry by entry with SOC_NOW (alert
# verdicts, decisions, results, an approval completing a step, one not
# yet enough, a denial, a failure, an incident closed), beside a
# correlate.db holding the incidents' times (one merged, one never
# decided); the table and the JSON are compared with golden files, and
# the figures worked out by hand are checked one by one.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
plan 19
G=$SOC_TOP/tests/fixtures/audit-stats

at() { SOC_NOW=$1 soc-audit append >/dev/null; }
dec() {	# INCIDENT STEP:ACTION:TIER ...
	_i=$1; shift
	printf '{"kind":"decision","data":{"decision":"d-%s","incident":"%s","steps":[' "$_i" "$_i"
	_sep=
	for _s; do
		IFS=: read -r _id _act _tier <<-X
		$_s
		X
		printf '%s{"id":"%s","action":"%s","tier":"%s","target":{"type":"t","value":"v-%s"}}' \
		    "$_sep" "$_id" "$_act" "$_tier" "$_id"
		_sep=,
	done
	printf ']}}\n'
}
res() { printf '{"kind":"action_result","data":{"step":"%s","action":"x","status":"%s"}}\n' "$1" "$2"; }
alerts() {	# CLOSED ESCALATED
	jq -nc --argjson c "$1" --argjson e "$2" '
		(range($c) | {kind: "verdict", data: {alert: "c\(.)", disposition: "auto_close"}}),
		(range($e) | {kind: "verdict", data: {alert: "e\(.)", disposition: "escalate"}})'
}

SOC_NOW=2026-11-20T00:00:00Z soc-audit init >/dev/null
alerts 4 1 | at 2026-11-20T10:00:00Z
dec incA a1:block_ip:auto a2:disable_user:approve a3:suspend_user:senior a4:open_ticket:auto |
    at 2026-11-20T10:02:00Z
{ res a1 done; res a4 done; } | at 2026-11-20T10:03:00Z
echo '{"kind":"approval","data":{"step":"a2","by":"bob","role":"approve","tier":"approve","complete":true}}' |
    at 2026-11-20T10:30:00Z
res a2 done | at 2026-11-20T10:31:00Z
dec incB b1:contain_host:approve b2:open_ticket:auto | at 2026-11-20T11:00:00Z
res b2 done | at 2026-11-20T11:01:00Z
alerts 2 1 | at 2026-11-21T09:00:00Z
echo '{"kind":"denial","data":{"step":"b1","by":"alice","reason":"a false positive"}}' |
    at 2026-11-21T09:10:00Z
dec incC c1:block_ip:auto c2:contain_host:approve | at 2026-11-21T09:20:00Z
res c1 failed | at 2026-11-21T09:21:00Z
echo '{"kind":"verdict","data":{"incident":"incA","verdict":"true_positive","by":"alice","alerts":3}}' |
    at 2026-11-21T10:00:00Z
echo '{"kind":"approval","data":{"step":"a3","by":"bob","role":"approve","tier":"senior","complete":false}}' |
    at 2026-11-21T10:05:00Z
# A decision for an incident that was merged into another afterwards.
dec incM m1:open_ticket:auto | at 2026-11-21T11:00:00Z

python3 - "$SOC_HOME/correlate.db" <<'PY'
import sqlite3, sys, datetime
def ms(s):
    return int(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE incident(id TEXT PRIMARY KEY, status TEXT, priority TEXT,"
           " first_seen INTEGER, created INTEGER, acked INTEGER, resolved INTEGER)")
rows = [("incA", "closed", "P1", "2026-11-20T09:50:00Z", "2026-11-20T10:01:00Z",
         "2026-11-20T10:30:00Z", "2026-11-21T10:00:00Z"),
        ("incB", "open", "P3", "2026-11-20T10:40:00Z", "2026-11-20T10:58:00Z", None, None),
        ("incC", "open", "P2", "2026-11-21T09:00:00Z", "2026-11-21T09:15:00Z", None, None),
        ("incM", "merged", "P2", "2026-11-21T10:50:00Z", "2026-11-21T10:55:00Z", None, None),
        ("incE", "open", "P4", "2026-11-21T11:00:00Z", "2026-11-21T12:00:00Z", None, None)]
for r in rows:
    db.execute("INSERT INTO incident VALUES (?,?,?,?,?,?,?)",
               r[:3] + tuple(ms(t) if t else 0 for t in r[3:]))
db.commit()
PY

export SOC_NOW=2026-11-21T18:00:00Z
check_exit 'stats: 0' 0 'soc-audit stats >table 2>err'
check_same 'the table' "$G/table" table
check 'nothing on stderr' '! test -s err'
check_exit 'stats --json: 0' 0 'soc-audit stats --json >fig.json'
check_same 'the JSON' "$G/figures.json" fig.json

# The figures, worked out by hand.
q() { jq -r "$1" fig.json; }
check 'alerts: 8, 6 closed without a person (0.75)' \
	'test "$(q "[.alerts.total, .alerts.auto_closed, .alerts.automation] | @tsv")" = "8	6	0.75"'
check 'P1: detect 11 min, decide 1 min, act 2 min (the block, not the ticket), resolve 23 h 59 min' \
	'test "$(q ".by_priority[] | select(.priority == \"P1\") |
	    [.detect.mean_s, .decide.mean_s, .act.mean_s, .resolve.mean_s] | @tsv")" = "660	60	120	86340"'
check 'P1 breached both SLA clocks (acknowledged after 29 min, resolved after a day)' \
	'test "$(q ".by_priority[] | select(.priority == \"P1\") | .sla_breached | [.acknowledge, .resolve] | @tsv")" = "1	1"'
check 'P3: a ticket and a denial are no action; unacknowledged past 4 h' \
	'test "$(q ".by_priority[] | select(.priority == \"P3\") | [.act.n, .open, .sla_breached.acknowledge] | @tsv")" = "0	1	1"'
check 'P4: detected, never decided, within its SLA' \
	'test "$(q ".by_priority[] | select(.priority == \"P4\") | [.detect.mean_s, .decide.n, .sla_breached.acknowledge] | @tsv")" = "3600	0	0"'
check 'the merged incident is left out: 4 incidents, p90 of detect 1 h (nearest rank: the 4th of 4)' \
	'test "$(q ".by_priority[] | select(.priority == \"all\") | [.incidents, .open, .detect.p90_s] | @tsv")" = "4	3	3600"'
check 'waiting: a3 (one approval of two) and c2, oldest first, with their ages' \
	'test "$(q "[.approvals.steps[] | \"\(.step):\(.tier):\(.age_s)\"] | join(\" \")")" = "a3:senior:115080 c2:approve:31200"'
check 'steps: 9 decided, 4 done (1 after approval), 1 failed, 1 denied, 3 not done' \
	'test "$(q ".steps | [.decided, .done, .done_after_approval, .failed, .denied, .open] | @tsv")" = "9	4	1	1	1	3"'
check 'per day' \
	'test "$(q ".days[] | [.day, .alerts, .decisions, .actions_done, .approvals, .denials, .incidents_closed] | @tsv" | tr "\t\n" ", ")" = "2026-11-20,5,2,4,1,0,0 2026-11-21,3,2,0,1,1,1 "'

# Without correlate.db: incidents are those decided, detected when decided.
mkdir empty
check_exit 'stats with no correlate.db: 0' 0 \
	'soc-audit stats --state empty --log "$SOC_HOME/audit" --json >nodb.json'
check 'four incidents, no priority, incA resolved by its verdict, no SLA' \
	'test "$(jq -r ".by_priority[] | select(.priority == \"all\") | [.incidents, .open, .resolve.n, .detect.n, .decide.n, has(\"sla_breached\")] | @tsv" nodb.json)" = "4	3	1	0	0	false"'
check_exit 'no audit log: 66' 66 'soc-audit stats --state empty'

# A log with alert verdicts only: nothing to sort, nothing decided.
soc-audit --state only init >/dev/null
alerts 2 0 | SOC_NOW=2026-11-21T08:00:00Z soc-audit --state only append >/dev/null
check_exit 'a log of alerts only: 0' 0 'soc-audit --state only stats --json >only.json 2>only.err'
check 'two alerts, both closed, no incident, nothing waits, nothing on stderr' \
	'test "$(jq -r "[.alerts.total, .alerts.auto_closed, .by_priority[0].incidents, .approvals.waiting] | @tsv" only.json)" = "2	2	0	0" &&
	 ! test -s only.err'
