#!/bin/sh
# soc-decide: the catalog, policy checks with line and column, plans for
# fixture incidents (golden), every guard (crown jewels and privileged
# identities at senior, never-touch lists, hubs, caps per incident and per
# hour, cool-downs), priorities below the policy and closed incidents,
# prompt-injection text that changes nothing, idempotence, the audit log
# (and a refusing one), explain, replay, and the investigation over a
# correlate.db.
. "$(dirname "$0")/lib.sh"
plan 53
F=$FIX/decide
export SOC_NOW=2026-11-20T03:00:00Z

check_exit 'catalog: 0' 0 'soc-decide catalog >cat.txt'
check 'catalog lists containment with its inverse and tier' \
	'grep -q "^contain_host  *host  *approve  *contain  *lift_containment " cat.txt'
check_exit 'catalog --json: 0' 0 'soc-decide catalog --json >cat.json'
check 'every action has a target, a tier and a phase' \
	'test "$(jq -s "map(select(.target and .tier and .phase)) | length" cat.json)" -eq "$(wc -l <cat.txt)"'
check_exit 'the built-in policy checks' 0 'soc-decide check >chk.out'
check_exit 'the sample policy checks' 0 'soc-decide check "$SOC_TOP/examples/policy.json"'
check_exit 'a bad policy: 78' 78 'soc-decide check --policy "$F/bad-policy.json" 2>bad.err'
check 'eleven errors, each with line and column' \
	'test "$(grep -c "bad-policy.json:[0-9]*:[0-9]*: " bad.err)" -eq 11 &&
	 grep -q "bad-policy.json: 11 errors" bad.err'
check 'an unknown action points at itself' \
	'grep -q "bad-policy.json:14:21: unknown action \"format_disk\"" bad.err'
check 'no policy can lower a tier' \
	'grep -q "bad-policy.json:15:50: rotate_access_key is at least senior" bad.err'
check 'crown jewels are never below senior' \
	'grep -q "bad-policy.json:5:25: crown jewels and privileged identities are never below senior" bad.err'
check_exit 'a run with a bad policy plans nothing: 78' 78 \
	'soc-decide --policy "$F/bad-policy.json" "$F/incidents.ndjson" >bad.out 2>/dev/null'
check 'and writes nothing' 'test ! -s bad.out'

# Plans for six incidents, compared with the golden file.
check_exit 'six incidents: 0' 0 'soc-decide --stats "$F/incidents.ndjson" >out 2>err'
check_same 'golden decisions' "$F/expected.ndjson" out
check 'incidents pass byte for byte, each followed by its decision' \
	'grep "\"kind\":\"incident\"" out | cmp -s - "$F/incidents.ndjson" &&
	 test "$(jq -s "[.[].soc.kind] | join(\",\")" out)" = "\"$(printf "incident,decision,%.0s" 1 2 3 4 5 6 | sed "s/,\$//")\""'
check 'no audit log: said once' 'test "$(grep -c "no audit log" err)" -eq 1'
d() { sed -n "${1}p" out | jq -r "$2"; }
check 'crown jewel host: senior' \
	'test "$(d 4 ".soc.decision.steps[] | select(.target.value == \"db-prod-1\" and .action == \"contain_host\") | .tier")" = senior'
check 'privileged identity: senior' \
	'test "$(d 4 "[.soc.decision.steps[] | select(.target.value == \"admin-bob\") | .tier] | unique | join(\",\")")" = senior'
check 'a never-touch user is held back with the reason' \
	'd 4 ".soc.decision.rejected[].why" | grep -q "never touched (guards.never.users: break-glass)"'
check 'P4: no step, and why' \
	'test "$(d 6 ".soc.decision.steps | length")" -eq 0 &&
	 d 6 ".soc.decision.reasoning.not_matched[0].because" | grep -q "below the policy"'
check 'a closed incident: no step' 'test "$(d 8 ".soc.decision.steps | length")" -eq 0'
check 'five hosts at most per incident, a hub never' \
	'test "$(d 10 "[.soc.decision.steps[] | select(.action == \"contain_host\")] | length")" -eq 5 &&
	 d 10 ".soc.decision.rejected[].why" | grep -q "a hub" &&
	 test "$(d 10 "[.soc.decision.rejected[] | select(.why | startswith(\"cap:\"))] | length")" -eq 2'
check 'internal addresses are not blocked by an external-scope step' \
	'test "$(d 10 "[.soc.decision.steps[] | select(.action == \"block_ip\")] | length")" -eq 0'
check 'prompt injection in the incident changes no tier' \
	'test "$(d 12 ".soc.decision.steps[] | select(.action == \"contain_host\") | .tier")" = approve'
check 'eradication waits for containment of its target' \
	'test "$(d 2 ".soc.decision.steps[] | select(.action == \"reset_credentials\") | .after | length")" -ge 1'

# The same input again: the same bytes, from decide.db.
check_exit 'a second run: 0' 0 'soc-decide --stats "$F/incidents.ndjson" >out2 2>err2'
check_same 'a second run gives the same bytes' out out2
check 'from decide.db' 'grep -q "6 written again from decide.db" err2'

# A later incident touching the same host within the cool-down.
jq -c '.soc.id = "77777777777777777777777777777777" | .soc.incident.id = .soc.id' "$F/incidents.ndjson" | head -n 1 >later.ndjson
check_exit 'a later incident: 0' 0 'soc-decide later.ndjson >later.out 2>/dev/null'
check 'its containment of the same host is held back by the cool-down' \
	'sed -n 2p later.out | jq -r ".soc.decision.rejected[] | select(.action == \"contain_host\") | .why" | grep -q "^cool-down: incident 11111111111111111111111111111111 planned it at "'

# Password guessing against an account (credential-access, at P3, below
# stolen-identity): a new password and new MFA factors once a person
# agrees; its sessions revoked, once a person agrees, when a sign-in
# worked too (initial-access); nothing on the account runs at once.
check_exit 'password guessing: 0' 0 'soc-decide "$F/guessing.ndjson" >guess.out'
steps() {
	jq -r --arg i "$1" 'select(.soc.kind == "decision" and .soc.decision.incident == $i) | .soc.decision.steps[] | select(.target.type == "user") | "\(.action) \(.target.value) \(.tier)"' guess.out | sort | tr '\n' ' '
}
check '... guessing alone: reset and MFA re-enrolment for the account, approve' \
	'test "$(steps 0123456789abcdef0123456789abcdef)" = "force_mfa_reenrollment dave approve reset_credentials dave approve "'
check '... guessing, then a sign-in: its sessions revoked too, approve' \
	'test "$(steps fedcba9876543210fedcba9876543210)" = "force_mfa_reenrollment erin approve reset_credentials erin approve revoke_sessions erin approve "'

# Audited: every decision is in the log; a refusing log stops decisions.
export SOC_HOME="$T/audited"
soc-audit init >/dev/null 2>&1
check_exit 'with an audit log: 0' 0 'soc-decide "$F/incidents.ndjson" >aud.out'
check 'six decision entries, and the log verifies' \
	'test "$(soc-audit show --kind decision | wc -l)" -eq 6 && soc-audit verify >/dev/null'
check 'each in a batch of its own, as six appends would write' \
	'test "$(soc-audit show --kind batch | jq -s "map(select(.data.lines == 1)) | length")" -eq 6'
# The six are committed at once: an appender stopped before that commit
# leaves six signed batches past the checkpoint, which verify calls an
# interrupted append (75, not tampering) and the next run rolls back.
export SOC_HOME="$T/stopped"
soc-audit init >/dev/null 2>&1
check_exit 'stopped before the checkpoint: 86, nothing written' 86 \
	'SOC_AUDIT_FAULT=before_checkpoint soc-decide "$F/incidents.ndjson" >stop.out 2>/dev/null && test ! -s stop.out'
check_exit '... six batches past the checkpoint: an interrupted append (75)' 75 \
	'test "$(grep -c "\"kind\":\"batch\"" "$SOC_HOME/audit/audit.log")" -eq 6 && soc-audit verify >/dev/null 2>&1'
check '... python agrees' \
	'python3 "$SOC_TOP/tests/audit-verify.py" "$SOC_HOME/audit" >/dev/null'
check_exit '... the next run rolls them back and decides: 0' 0 \
	'soc-decide "$F/incidents.ndjson" >stop2.out 2>stop2.err && grep -q "rolled back" stop2.err'
check '... and the log verifies with the six' \
	'test "$(soc-audit show --kind decision | wc -l)" -eq 6 && soc-audit verify >/dev/null'
export SOC_HOME="$T/refusing"
soc-audit init >/dev/null 2>&1
chmod 0644 "$SOC_HOME/keys/audit.key"
check_exit 'a log that refuses: 74' 74 'soc-decide "$F/incidents.ndjson" >ref.out 2>ref.err'
check 'no decision leaves unaudited' 'test "$(grep -c "\"kind\":\"decision\"" ref.out)" -eq 0'

# The investigation reads correlate.db: a user seen in an incident closed
# as a false positive keeps the stolen-identity rule from firing.
export SOC_HOME="$T/investigated"
mkdir -p "$SOC_HOME"
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
db.execute("INSERT INTO meta VALUES (?, ?)", ("contract", 1))
db.execute("CREATE TABLE incident_entity(value TEXT, incident TEXT, verdict TEXT, last_seen TEXT)")
db.execute("INSERT INTO incident_entity VALUES (?, ?, ?, ?)", ("alice", "9" * 32, "false_positive", "2026-11-01T00:00:00.000Z"))
db.commit()' "$SOC_HOME/correlate.db"
check_exit 'with a correlate.db: 0' 0 'head -n 1 "$F/incidents.ndjson" | soc-decide >inv.out 2>/dev/null'
check 'the finding names the earlier incident' \
	'sed -n 2p inv.out | jq -r ".soc.decision.findings[].answer" | grep -q "yes: 1 other incident (0 closed as true positive, 1 as false positive or benign)"'
check 'no suspension of a user analysts closed as a false positive before' \
	'test "$(sed -n 2p inv.out | jq "[.soc.decision.steps[] | select(.action == \"suspend_user\")] | length")" -eq 0'

# explain, and replay with another policy (nothing stored).
export SOC_HOME="$T/state"
check_exit 'explain: 0' 0 'soc-decide explain 2222 >exp.out'
check 'explain tells findings, rules, steps and what was held back' \
	'grep -q "^What the investigation found:" exp.out && grep -q "^  + contain-hosts-under-attack:" exp.out &&
	 grep -q "guard: crown jewel: senior" exp.out && grep -q "^Considered and held back:" exp.out'
check_exit 'explain an unknown incident: 1' 1 'soc-decide explain ffff'
cat >tickets.json <<'EOF'
{"name":"tickets-only","rules":[{"name":"t","when":{"min_priority":"P4"},"steps":[{"action":"open_ticket"}]}]}
EOF
rows() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from decisions").fetchone()[0])' "$SOC_HOME/decide.db"; }
before=$(rows)
check_exit 'replay with another policy: 0' 0 'soc-decide replay --policy tickets.json "$F/incidents.ndjson" >rep.out'
check 'replay plans with the new policy' \
	'test "$(jq -s "[.[] | select(.soc.kind == \"decision\") | .soc.decision.steps[].action] | unique | join(\",\")" rep.out)" = "\"open_ticket\""'
check 'replay stores nothing' 'test "$(rows)" -eq "$before"'
done_testing
