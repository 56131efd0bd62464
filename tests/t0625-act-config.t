#!/bin/sh
# soc-act's configuration: the samples examples/act.json (local) and
# examples/act-products.json load and run dry; `soc-act connectors`
# describes each built-in template as its file does; pending steps print the exact command that approves
# them; update_ticket and close_ticket reach the ticket open_ticket
# opened; per-target rate limits hold.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
plan 33
export SOC_NOW=2026-12-04T10:00:00.000Z
EX="$SOC_TOP/examples/act.json"
st() { jq -r "select(.soc.kind==\"action\" and .soc.action.step==\"$2\") | .soc.action.status" "$1" | tail -n 1; }
rec() { jq -se "[.[] | select(.soc.kind==\"action\" and .soc.action.step==\"$2\")] | last | .soc.action | $3" "$1" >/dev/null; }

check_exit 'the sample configuration loads' 0 "soc-act --config '$EX' connectors >list 2>e"
check 'its local connectors are configured, in dry run' \
	'grep -q "^nft: nftables (this host) (write, local, version 1), configured" list &&
	 grep -q "^respond: command hook (this host).*configured" list &&
	 grep -q "^  contain_host  *run the hook" list && [ "$(jq -r .mode "$EX")" = dry_run ] &&
	 jq -e ".approvers | (.ana.roles == [\"approve\"]) and (.sam.roles | index(\"senior\"))" "$EX" >/dev/null'
check_exit 'connectors --json' 0 "soc-act --config '$EX' connectors --json >list.json"
check 'every built-in template listed with its product, version, actions and settings' \
	'for f in $CONNECTORS/*.json; do n=$(jq -r .connector $f);
	   jq -se --slurpfile t $f "[.[] | select(.template == \"$n\")] | length == 1 and
	     (.[0] | .product == \$t[0].product and .version == \$t[0].version and .access == \"write\" and
	      .configured == false and (.actions | keys) == (\$t[0].actions | keys) and
	      (.settings | keys) == (\$t[0].settings | keys) and
	      ([.settings[] | select(.secret)] | length) == ([\$t[0].settings[] | select(.secret == true)] | length) and
	      ([.actions | to_entries[] | select(.value.inverse != null) | [.key, .value.inverse]] ==
	       [\$t[0].actions | to_entries[] | select(.value.inverse != null) | [.key, .value.inverse]]))" list.json >/dev/null ||
	   { echo "# $n"; exit 1; }; done'
check 'the text lists every action of every template' \
	'[ "$(grep -v "^  setting " list | grep -c "^  [a-z_]* ")" -eq \
	    $(( $(cat $CONNECTORS/*.json | jq -s "map(.actions|length)|add") + 10 +
	        $(jq ".local.respond.actions | length" "$EX") )) ]'
check 'a secret setting is shown as an environment variable, never a value' \
	'grep -q "^  setting api_token (secret: {\"env\":\"VARIABLE\"}): an API token" list'

EXP="$SOC_TOP/examples/act-products.json"
check 'the sample with products loads, each of its connectors configured' \
	'soc-act --config "$EXP" connectors --json >plist.json &&
	 [ "$(jq -r "select(.configured) | .connector" plist.json | sort | tr "\n" " ")" = \
	   "aws crowdstrike graph jira mailbox nft okta pagerduty slack " ]'
decision d0 inc-0000 \
    '{"id":"p-c","action":"contain_host","target":{"type":"host","value":"ws-12","ids":{"crowdstrike.device_id":"4d5e"}},"tier":"approve","phase":"contain"}' \
    '{"id":"p-s","action":"suspend_user","target":{"type":"user","value":"bob@corp.example"},"tier":"approve","phase":"contain"}' \
    '{"id":"p-t","action":"open_ticket","target":{"type":"host","value":"ws-12"},"inputs":{"title":"t","text":"x"},"tier":"auto","phase":"notify"}' >d0.ndjson
check_exit 'its dry run needs no credential' 0 'soc-act --state products --config "$EXP" d0.ndjson >o0'
check 'and shows each request at the product, masked' \
	'rec o0 p-c ".connector == \"crowdstrike\" and (.request.url | startswith(\"https://api.eu-1.crowdstrike.com/devices/\"))" &&
	 rec o0 p-s ".request.headers.Authorization == \"SSWS [redacted]\"" &&
	 rec o0 p-t ".request.headers.Authorization == \"Basic [redacted]\" and .request.url == \"https://corp.atlassian.net/rest/api/3/issue\""'

# The sample, live, with a hook of the test's own and no nftables (the
# host's rules are never touched).
cat >hook.sh <<'EOF2'
#!/bin/sh
echo "$SOC_ACTION $SOC_TARGET_TYPE:$SOC_TARGET_VALUE" >>"$(dirname "$0")/hook.out"
EOF2
chmod +x hook.sh
jq --arg h "$T/hook.sh" 'del(.local.nft) | .local.respond.command = [$h] |
    .local.respond.actions += ["block_ip"]' "$EX" >c.json
soc-audit init --origin soc.test/act >/dev/null
decision d1 inc-0001 \
    '{"id":"s-c","action":"contain_host","target":{"type":"host","value":"ws-12"},"tier":"approve","phase":"contain"}' \
    '{"id":"s-k","action":"suspend_user","target":{"type":"user","value":"bob@corp.example"},"tier":"senior","phase":"contain"}' \
    '{"id":"s-t","action":"open_ticket","target":{"type":"host","value":"ws-12"},"inputs":{"title":"t","text":"x"},"tier":"auto","phase":"notify"}' >d1.ndjson
check_exit 'dry run (the sample'"'"'s mode)' 0 'soc-act --config c.json d1.ndjson >o'
check 'a step for approval shows the exact command and who may run it' \
	'rec o s-c ".status == \"dry_run\" and .waiting_for.command == \"soc-act approve s-c --by NAME --config c.json\" and
	   .waiting_for.approvers == [\"ana\", \"sam\", \"lee\"] and .request.command == [\"$T/hook.sh\"]" &&
	 [ ! -e hook.out ]'
check_exit 'live: the ticket opens, the rest waits' 0 \
	'soc-act --live --config c.json d1.ndjson >o'
check 'pending prints each step with its command' \
	'soc-act --config c.json pending >p && grep -q "^s-c contain_host host:ws-12 tier approve since 2026-12-04T10:00:00.000Z" p &&
	 grep -qx "  soc-act approve s-c --by NAME --config c.json" p && grep -qx "  NAME: ana, sam, lee" p'
check 'the printed command approves the step, as it is' \
	'cmd=$(grep "soc-act approve s-c" p | sed "s/NAME/ana/") && eval "$cmd" >a && [ "$(st a s-c)" = done ] &&
	 grep -qx "contain_host host:ws-12" hook.out'

# Tickets: update_ticket and close_ticket reach the issue open_ticket opened.
for d in dry jira aws rate rate2; do SOC_HOME="$T/$d" soc-audit init --origin soc.test/act >/dev/null; done
start_vendor
write_config base.json live
jq '{mode: "live", connectors: {jira: .connectors.jira},
     routes: {open_ticket: "jira", update_ticket: "jira", close_ticket: "jira"}}' base.json >j.json
I='"target":{"type":"incident","value":"inc-0002"}'
decision d2 inc-0002 \
    "{\"id\":\"t-open\",\"action\":\"open_ticket\",$I,\"inputs\":{\"title\":\"Beacon\",\"text\":\"opened\"},\"tier\":\"auto\",\"phase\":\"notify\"}" \
    "{\"id\":\"t-upd\",\"action\":\"update_ticket\",$I,\"inputs\":{\"text\":\"contained\"},\"tier\":\"auto\",\"phase\":\"notify\",\"after\":[\"t-open\"]}" \
    "{\"id\":\"t-close\",\"action\":\"close_ticket\",$I,\"inputs\":{\"text\":\"closed\"},\"tier\":\"auto\",\"phase\":\"notify\",\"after\":[\"t-upd\"]}" >d2.ndjson
check 'a dry run shows the ticket as the value open_ticket will give' \
	'jq ".mode = \"dry_run\"" j.json >jd.json && soc-act --state dry --config jd.json d2.ndjson >o &&
	 rec o t-upd ".request.url | endswith(\"/rest/api/3/issue/{ticket.key,target.ids.jira.key}/comment\")" && [ ! -s "$VLOG" ]'
check_exit 'live: open, comment and close the same issue' 0 'soc-act --state jira --config j.json d2.ndjson >o'
check 'each request went to SOC-1, the issue Jira gave' \
	'[ "$(st o t-open)" = done ] && [ "$(st o t-upd)" = done ] && [ "$(st o t-close)" = done ] &&
	 [ "$(count jira.issue)" -eq 1 ] && [ "$(count jira.comment)" -eq 1 ] && [ "$(count jira.transition)" -eq 1 ] &&
	 ! grep -q "\"fail\"" "$VLOG"'
check_exit 'a replay acts on nothing' 0 'soc-act --state jira --config j.json d2.ndjson >o'
check 'all skipped, nothing sent again' \
	'[ "$(st o t-close)" = skipped ] && [ "$(count jira.comment)" -eq 1 ]'

# A key rotated through soc-act (tier senior, the catalog's, whatever the
# decision says: two approvals): the new secret reaches Secrets Manager
# and nothing else (records, act.db, the audit log).
jq '{mode: "live", connectors: {aws: .connectors.aws},
     approvers: {alice: {roles: ["senior"]}, bob: {roles: ["approve"]}}}' base.json >aws.json
decision d4 inc-0004 \
    '{"id":"k1","action":"rotate_access_key","target":{"type":"access_key","value":"AKIAIOSFODNN7EXAMPLE","ids":{"aws.user_name":"ci-deploy"}},"tier":"auto","phase":"eradicate"}' >d4.ndjson
check_exit 'live: rotate an access key, once two approve' 0 \
	'soc-act --state aws --config aws.json d4.ndjson >o4a && [ "$(st o4a k1)" = pending_approval ] &&
	 soc-act --state aws --config aws.json approve k1 --by alice >/dev/null &&
	 soc-act --state aws --config aws.json approve k1 --by bob >o4'
check 'the new key id and the secret'"'"'s version recorded, the old key inactive' \
	'rec o4 k1 ".status == \"done\" and (.result.new_key_id | startswith(\"AKIANEWKEY\")) and .result.secret_version != null and
	   (.request.then | length) == 2" &&
	 [ "$(count aws.sm)" -eq 1 ] && grep -q "Status=Inactive" "$VLOG"'
check 'the new secret is nowhere: output, act.db, audit log' \
	'! grep -rq "new-S3CR3T" o4a o4 aws && ! grep -rq "S3CR3T" o4a o4 aws'

# Per-target rate limits: the configuration's and a connector's.
jq '.rate.per_target = {max: 2, window_s: 3600}' c.json >r.json
B='"target":{"type":"ip","value":"203.0.113.9"},"tier":"auto","phase":"contain"'
decision d3 inc-0003 "{\"id\":\"r1\",\"action\":\"block_ip\",$B}" "{\"id\":\"r2\",\"action\":\"block_ip\",$B}" \
    "{\"id\":\"r3\",\"action\":\"block_ip\",$B}" >d3.ndjson
: >hook.out
check_exit 'a third action on one target within the window fails (69)' 69 \
	'soc-act --state rate --live --config r.json d3.ndjson >o'
check 'two ran; the third names the limit and sent nothing' \
	'[ "$(st o r1)" = done ] && [ "$(st o r2)" = done ] && [ "$(st o r3)" = failed ] &&
	 rec o r3 ".error | startswith(\"rate limit: 2 actions on ip:203.0.113.9 in the last 3600 s (rate.per_target)\")" &&
	 [ "$(grep -c block_ip hook.out)" -eq 2 ]'
check_exit 'after the window, a rerun runs it' 0 \
	'SOC_NOW=2026-12-04T11:00:01.000Z soc-act --state rate --live --config r.json d3.ndjson >o'
check 'the step that waited ran once, the others not again' \
	'[ "$(st o r3)" = done ] && [ "$(st o r1)" = skipped ] && [ "$(grep -c block_ip hook.out)" -eq 3 ]'
jq '.local.respond.rate.per_target = {max: 1, window_s: 60}' c.json >r2.json
check_exit 'a connector'"'"'s own limit' 69 'soc-act --state rate2 --live --config r2.json d3.ndjson >o'
check 'names the connector' \
	'[ "$(st o r1)" = done ] && rec o r2 ".error | test(\"rate.per_target of connector respond\")"'
check_exit 'a limit that is not a count and a window is refused' 78 \
	'jq ".rate.per_target = {max: 0}" c.json >bad.json && soc-act --state bad --config bad.json connectors >o 2>e'
# An approver's unix_user that is not a login name (a list, by mistake)
# used to switch the login check off: anyone approved as that approver.
check_exit 'a unix_user that is not a string is refused' 78 \
	'jq ".approvers.ana.unix_user = [\"ana\"]" c.json >bad.json && soc-act --state bad --config bad.json pending >o 2>e'
check 'naming the approver' 'grep -q "approver .ana.: \"unix_user\" must be a login name" e'
check_exit 'so is a role that is neither approve nor senior' 78 \
	'jq ".approvers.ana.roles = [\"Senior\"]" c.json >bad.json && soc-act --state bad --config bad.json approve x --by ana >o 2>e'
check 'no credential in any output' '! grep -rq S3CR3T o list list.json p a jira 2>/dev/null'
done_testing
