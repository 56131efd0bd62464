#!/bin/sh
# soc-decide's investigation: the history questions over correlate.db
# (what else the user did, account changes, hosts and their endpoint
# alerts, who else shared a file or address), and read-only queries to
# Okta, Microsoft Graph and Defender advanced hunting on 127.0.0.1
# (tests/products.py): each answer a finding with its source and time, a
# failing query a finding, the budgets kept, values a filter cannot carry
# never sent, credentials never in output, stderr or decide.db.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/decide-lib.sh"
plan 37
F=$FIX/decide
export SOC_NOW=2026-11-20T03:00:00Z
export OKTA_READ=okta-read-S3CR3T ENTRA_READ_ID=entra-read-S3CR3T-id
export ENTRA_READ_SECRET=entra-read-S3CR3T-secret

start_server products products.py --lifetime 90 --max-requests 100 --fail graph.audits
U="http://127.0.0.1:$PORT"
G='"allow_http":true,"retry":{"attempts":1}'
E='"login_url":"'$U/login'","tenant_id":"11111111-2222-3333-4444-555555555555","client_id":{"env":"ENTRA_READ_ID"},"client_secret":{"env":"ENTRA_READ_SECRET"}'
cat >decide.json <<EOC
{"investigate":{"window_h":24,"connectors":{
 "okta":{$G,"base_url":"$U/okta","api_token":{"env":"OKTA_READ"}},
 "graph":{$G,"base_url":"$U/graph",$E},
 "defender":{$G,"base_url":"$U/graph",$E}}}}
EOC
mkdir -p "$SOC_HOME"
correlate_db "$SOC_HOME/correlate.db"
head -n 1 "$F/incidents.ndjson" >one.ndjson
check_exit 'investigated with products: 0' 0 'soc-decide --config decide.json one.ndjson >out 2>err'
sed -n 2p out | jq -c '.soc.decision.findings[]' >f.ndjson
ans() { jq -r "select(.question | test(\"$1\")) | .answer" f.ndjson; }
src() { jq -r "select(.question | test(\"$1\")) | .source" f.ndjson; }
check 'every finding has a question, an answer, a source and a time' \
	'test "$(jq -s "map(select(.question and .answer and .source and (.at == \"2026-11-20T03:00:00.000Z\"))) | length" f.ndjson)" -eq "$(wc -l <f.ndjson)"'
check 'what else the user did: the alerts of her incidents in the window' \
	'ans "what else did user alice" | grep -qx "4 alerts in 2 incidents (1 besides this one): VPN login, Falcon: suspicious script, Okta sign-in from a new country, Okta: password reset by an administrator"'
check 'account changes among them' \
	'ans "password resets, MFA changes or new devices for user alice in the last 24 h .alerts" | grep -qx "yes: 1: Okta: password reset by an administrator"'
check 'her hosts, and which raised endpoint alerts' \
	'ans "which hosts did user alice use" | grep -qx "1 host: alice-lt; endpoint alerts on alice-lt"'
check 'a host'"'"'s endpoint alerts, not those out of the window' \
	'ans "did host alice-lt raise endpoint alerts in the last 24 h .correlate" | grep -qx "yes: 1 (of 2 alerts on it): Falcon: suspicious script"'
check 'who else talked to an address' \
	'ans "which other hosts or users talked to address 203.0.113.9 .other" | grep -qx "1 host (ws-9), 1 user (bob)"'
check 'Okta System Log: sign-ins, a password reset, an MFA change' \
	'ans "in Okta" | grep -qx "4 records; 2 sign-ins (1 failed) from 2 addresses: 203.0.113.9, 198.51.100.7; 1 password change: user.account.reset_password at 2026-11-20T02:06:00.000Z; 1 MFA change: user.mfa.factor.deactivate at 2026-11-20T02:05:00.000Z" &&
	 src "in Okta" | grep -qx "okta.user_events (Okta)"'
check 'Graph sign-ins, risky ones said' \
	'ans "sign in to Entra" | grep -qx "2 records; 2 sign-ins (1 failed, some risky) from 2 addresses: 203.0.113.9, 10.1.2.3"'
check 'a failing query is a finding, and the rest goes on' \
	'ans "in Entra in the last" | grep -q "^the query failed: " &&
	 src "in Entra in the last" | grep -qx "graph.directory_audits (Microsoft Entra ID (Microsoft Graph))"'
check 'advanced hunting: the host'"'"'s alerts and who talked to the address' \
	'ans "did host alice-lt raise endpoint alerts in Defender" | grep -qx "1 record: Suspicious PowerShell / High / Alerts 2 / 2026-11-20T02:30:00Z" &&
	 ans "talked to address 203.0.113.9 .Defender" | grep -qx "1 record: ws-7 / carol / Connections 3 / 2026-11-20T01:00:00Z"'
check 'the requests were the products'"'"' own, with the filter on the user and the window' \
	'test "$(grep "\"fail\"" "$SLOG" | grep -vc "graph: down")" -eq 0 &&
	 grep -q "\"filter\": \"actor.alternateId eq \\\\\"alice\\\\\"\", \"limit\": \"50\"" "$SLOG" &&
	 grep -q "\"since\": \"2026-11-19T03:00:00.000Z\"" "$SLOG" &&
	 grep -q "userPrincipalName eq '"'"'alice'"'"' and createdDateTime ge 2026-11-19T03:00:00.000Z" "$SLOG" &&
	 grep -q "ago(24h)" "$SLOG"'
check 'only reads: no write verb, no write endpoint' \
	'! grep -q "\"method\": \"DELETE\"\|lifecycle\|revokeSignInSessions\|isolate" "$SLOG"'
check 'no credential in output, stderr or decide.db' \
	'! grep -q S3CR3T out err && ! grep -qa S3CR3T "$SOC_HOME/decide.db"'

# A correlate.db as soc-correlate writes it today (views over its own
# storage): the history questions read it.
mkdir -p real
check_exit 'soc-correlate over the cross-product fixture: 0' 0 \
	'SOC_HOME="$T/real" soc-correlate "$FIX/correlate/cross.ndjson" >real.ndjson 2>/dev/null'
grep '"kind":"incident"' real.ndjson | tail -n 1 >real1.ndjson
check_exit 'its incident investigated: 0' 0 \
	'SOC_NOW=$(jq -r .soc.incident.last_seen real1.ndjson) SOC_HOME="$T/real" soc-decide real1.ndjson >real.out 2>/dev/null'
check 'what else the user did, and the endpoint alerts, from soc-correlate'"'"'s timeline' \
	'sed -n 2p real.out | jq -r ".soc.decision.findings[] | select(.question | startswith(\"what else did user \")) | .answer" | grep -Eq "^[0-9]+ alerts? in [0-9]+ incidents? \(0 besides this one\): " &&
	 sed -n 2p real.out | jq -r ".soc.decision.findings[] | select(.question | test(\"^did host .* raise endpoint alerts in the last 24 h .correlate\")) | .answer" | grep -q "^yes: "'

# correlate.db is read by its contract: a version this soc-decide does not
# know, or none, is refused with 78 and says why (when the first incident
# is investigated: in a pipeline soc-correlate may still be creating the
# file when soc-decide starts); nothing is decided.
mkdir -p newer && cp "$T/real/correlate.db" newer/
sqlite3 newer/correlate.db "UPDATE meta SET v = 2 WHERE k = 'contract'"
check_exit 'a correlate.db of an unknown contract version: 78' 78 \
	'SOC_HOME="$T/newer" soc-decide real1.ndjson >newer.out 2>newer.err'
check 'it says which version it found and which it reads, and decides nothing' \
	'grep -q "correlate.db: contract version 2, which this soc-decide does not know (it reads version 1" newer.err &&
	 ! grep -q "\"kind\":\"decision\"" newer.out'
sqlite3 newer/correlate.db "DELETE FROM meta WHERE k = 'contract'"
check_exit 'a correlate.db that states no contract: 78' 78 \
	'SOC_HOME="$T/newer" soc-decide real1.ndjson >none.out 2>none.err'
check 'it says so' 'grep -q "correlate.db: states no contract version" none.err'

# In a pipeline from a fresh state directory soc-decide starts before
# soc-correlate has made correlate.db: it reads it all the same.
# (soc-correlate's status is kept in cor.rc: the pipe's is soc-decide's)
check_exit 'soc-correlate | soc-decide from nothing: 0' 0 \
	'SOC_NOW=$(jq -r .soc.incident.last_seen real1.ndjson) SOC_HOME="$T/pipe" sh -c "{ soc-correlate \"$FIX/correlate/cross.ndjson\"; echo \$? >cor.rc; } | soc-decide" >pipe.out 2>pipe.err &&
	 test "$(cat cor.rc)" = 0'
check 'its decisions asked correlate.db' \
	'grep -q "\"kind\":\"decision\"" pipe.out && ! grep -q "no correlate.db in the state directory" pipe.out &&
	 grep -q "\"source\":\"correlate.db\"" pipe.out'

# The findings feed the policy's conditions.
cat >facts.json <<'EOP'
{"name":"facts","rules":[{"name":"mfa-changed","when":{"min_account_changes":2,"min_endpoint_alerts":1,"min_spread":1},
 "steps":[{"action":"force_mfa_reenrollment","targets":"users"}]}]}
EOP
check_exit 'a policy on the findings: 0' 0 'soc-decide --state facts --config decide.json --policy facts.json one.ndjson >facts.out 2>/dev/null'
check 'its rule matched on what the investigation counted' \
	'test "$(sed -n 2p facts.out | jq -r ".soc.decision.reasoning.matched[0].conditions | join(\";\")")" = "account changes found: 2, at least 2;endpoint alerts found: 1, at least 1;other hosts and users found: 2, at least 1" &&
	 test "$(sed -n 2p facts.out | jq -r ".soc.decision.steps[0].action")" = force_mfa_reenrollment'
check_exit 'the same policy, nothing to ask: 0' 0 'soc-decide --state bare --policy facts.json one.ndjson >bare.out 2>/dev/null'
check 'the rule did not match, and says why' \
	'test "$(sed -n 2p bare.out | jq -r ".soc.decision.reasoning.not_matched[0].because")" = "account changes found: 0, at least 2"'

# The budgets: three queries, then every other question says why not.
jq '.investigate.max_queries = 3' decide.json >small.json
mkdir -p small && cp "$SOC_HOME/correlate.db" small/
check_exit 'a small budget: 0' 0 'soc-decide --state small --config small.json one.ndjson >small.out 2>/dev/null'
check 'the questions past the budget are findings that say so' \
	'test "$(sed -n 2p small.out | jq "[.soc.decision.findings[] | select(.answer == \"not asked: the investigation'"'"'s query budget is spent\")] | length")" -eq 13'

# A user name that would break out of a filter is never sent.
jq -c '.soc.id = "33333333333333333333333333333399" | .soc.incident.blast_radius.users[0].value = "x\" or actor.id ne \"0"' one.ndjson >quote.ndjson
: >"$SLOG"
check_exit 'a hostile user name: 0' 0 'soc-decide --state quote --config decide.json quote.ndjson >quote.out 2>/dev/null'
check 'is not asked about, and said so' \
	'sed -n 2p quote.out | jq -r ".soc.decision.findings[] | select(.source | startswith(\"okta.\")) | .answer" | grep -qx "not asked: the value holds characters a query filter must not carry" &&
	 ! grep -q "actor.id ne" "$SLOG"'

# A product that does not answer: the query fails within its timeout,
# and the decision is made all the same.
stop_server
check_exit 'products gone: 0' 0 'soc-decide --state gone --config decide.json one.ndjson >gone.out 2>gone.err'
check 'every product query failed, each a finding' \
	'test "$(sed -n 2p gone.out | jq "[.soc.decision.findings[] | select(.answer | startswith(\"the query failed: \"))] | length")" -eq 6'
check 'and the plan was made' 'test "$(sed -n 2p gone.out | jq ".soc.decision.steps | length")" -gt 0'

# Configuration errors: 78.
echo '{"investigate":{"connectors":{"okta":{"base_url":"https://x","api_token":"plain"}}}}' >plain.json
check_exit 'a secret in plain text: 78' 78 'soc-decide --state p --config plain.json one.ndjson >/dev/null 2>plain.err'
echo '{"investigate":{"connectors":{"jira":{}}}}' >write.json
check_exit 'a connector with no read-only template: 78' 78 'soc-decide --state w --config write.json one.ndjson >/dev/null 2>write.err'
check 'said' 'grep -q "no read-only template '"'"'jira'"'"'" write.err && grep -q "never the secret itself" plain.err'
done_testing
