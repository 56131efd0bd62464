#!/bin/sh
# The built-in connectors (connectors/*.json) against products' APIs on
# 127.0.0.1 (tests/vendor.py), which check every request as the product
# documents it: method, path, query, headers, body and credentials.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
plan 56
cat >script.json <<'EOF2'
{"cs.lift": ["401"], "okta.suspend": ["429"], "graph.account": ["503"],
 "s1.disconnect": ["500", "500", "500", "500"], "jira.issue": ["garbage"],
 "hive.alert": ["slow"], "mde.indicator": ["401"],
 "aws.create_key": ["429"], "aws.attach_policy": ["500"],
 "snow.close": ["slow"], "hive.comment": ["garbage"]}
EOF2
start_vendor --script script.json
write_config cfg.json
# conn NAME ACTION TYPE VALUE [IDS [INPUTS]]: run one action; out, log.
conn() {
	jq ".connectors.$1" cfg.json >set.json &&
	vars v.json "$3" "$4" "${5:-}" "${6:-}" &&
	: >"$VLOG" &&
	soc-conn "$CONNECTORS/$1.json" set.json "$2" v.json >out
}
nofail() { ! grep -q '"fail"' "$VLOG"; }
CS='"crowdstrike.device_id":"4d5e6f708192a3b4c5d6e7f8091a2b3c"'
MDE='"defender.machine_id":"1e5bc9d7e413ddd7902c2932e418702b84d0cc07"'

check 'crowdstrike: token, contain, polled until contained' \
	'conn crowdstrike contain_host host ws-12 "$CS" && nofail &&
	 grep -q "\"verify\":\"contained\"" out &&
	 [ "$(grep -c "\"cs.token\"" "$VLOG")" -eq 1 ] &&
	 [ "$(grep -c "\"cs.device\"" "$VLOG")" -eq 2 ]'
check 'crowdstrike: a revoked token is fetched again once (401)' \
	'conn crowdstrike lift_containment host ws-12 "$CS" && nofail &&
	 grep -q "\"verify\":\"normal\"" out &&
	 [ "$(grep -c "\"cs.token\"" "$VLOG")" -eq 2 ]'
check 'crowdstrike: IOC block returns the id the inverse deletes' \
	'conn crowdstrike block_hash hash "$(printf %064d 7)" && nofail &&
	 grep -q "\"ioc_id\":\"ioc-0001\"" out'
check 'crowdstrike: unblock by the stored IOC id' \
	'jq ".connectors.crowdstrike" cfg.json >set.json &&
	 printf "%s\n" "{\"target\":{\"type\":\"hash\",\"value\":\"x\"},\"result\":{\"ioc_id\":\"ioc-0001\"}}" >v.json &&
	 : >"$VLOG" && soc-conn "$CONNECTORS/crowdstrike.json" set.json unblock_hash v.json >out && nofail'
check_exit 'crowdstrike: an unknown device is the vendor'"'"'s 404, a failure' 69 \
	'conn crowdstrike contain_host host ws-13 "\"crowdstrike.device_id\":\"ffff\""'
check 'the 404 is named' 'grep -q "HTTP 404" out'
check_exit 'crowdstrike: a host without a device id is refused before sending' 78 \
	'conn crowdstrike contain_host host ws-12'
check 'the missing value is named, nothing was sent' \
	'grep -q "no value for {target.ids.crowdstrike.device_id}" out && ! grep -q devices-actions "$VLOG"'
check 'defender: isolate, machine action polled to Succeeded' \
	'conn defender contain_host host ws-12 "$MDE" && nofail &&
	 grep -q "\"action_id\":\"ma-0001\"" out && grep -q "\"verify\":\"Succeeded\"" out'
check 'defender: unisolate' 'conn defender lift_containment host ws-12 "$MDE" && nofail'
check_exit 'sentinelone: 5xx retried, then a failure' 69 \
	'conn sentinelone contain_host host ws-12 "\"sentinelone.agent_id\":\"1177432512412312345\""'
check 'three attempts were made' \
	'[ "$(grep -c "\"s1.disconnect\"" "$VLOG")" -eq 3 ] && grep -q "\"attempts\":3" out &&
	 grep -q "service error: HTTP 500" out'
check 'sentinelone: reconnect' \
	'conn sentinelone lift_containment host ws-12 "\"sentinelone.agent_id\":\"1177432512412312345\"" && nofail'
check 'okta: sessions cleared for a login, percent-encoded' \
	'conn okta revoke_sessions user alice@corp.example && nofail &&
	 grep -q "/okta/api/v1/users/alice%40corp.example/sessions?oauthTokens=true" "$VLOG"'
check 'okta: suspend waits out a 429 (Retry-After) and succeeds' \
	'conn okta suspend_user user x "\"okta.user_id\":\"00u1abcd2EFGH3ijk4x5\"" && nofail &&
	 [ "$(grep -c "\"okta.suspend\"" "$VLOG")" -eq 2 ] && grep -q "\"attempts\":2" out'
check 'okta: unsuspend, reset password, reset factors' \
	'conn okta unsuspend_user user alice@corp.example && nofail &&
	 conn okta reset_credentials user alice@corp.example && nofail &&
	 grep -q "reset_password?sendEmail=true&revokeSessions=true" "$VLOG" &&
	 conn okta force_mfa_reenrollment user alice@corp.example && nofail'
check_exit 'okta: a user id that tries to leave the path stays one segment' 69 \
	'conn okta suspend_user user "../../../admin?x=1"'
check 'it was encoded' 'grep -q "users/..%2F..%2F..%2Fadmin%3Fx%3D1/lifecycle" "$VLOG"'
check 'graph: revokeSignInSessions answers value true' \
	'conn graph revoke_sessions user alice@corp.example && nofail'
check 'graph: accountEnabled false after a 503' \
	'conn graph disable_user user x "\"entra.user_id\":\"00u1abcd2EFGH3ijk4x5\"" && nofail &&
	 grep -q "\"attempts\":2" out'
check 'graph: enable again, confirm compromised' \
	'conn graph enable_user user alice@corp.example && nofail &&
	 conn graph confirm_compromised user x "\"entra.user_id\":\"00u1abcd2EFGH3ijk4x5\"" && nofail'
check 'google: sign out, suspend, unsuspend' \
	'conn google revoke_sessions user alice@corp.example && nofail &&
	 conn google suspend_user user alice@corp.example && nofail &&
	 conn google unsuspend_user user alice@corp.example && nofail'
check 'aws: UpdateAccessKey Inactive, SigV4 checked by the server' \
	'conn aws disable_access_key access_key AKIAIOSFODNN7EXAMPLE "\"aws.user_name\":\"ci-deploy\"" && nofail'
check 'aws: enable the key again' \
	'conn aws enable_access_key access_key AKIAIOSFODNN7EXAMPLE "\"aws.user_name\":\"ci-deploy\"" && nofail'
check 'aws: quarantine records the groups, then sets the quarantine group' \
	'conn aws quarantine_instance instance i-0abc1234 && nofail &&
	 grep -q "\"groups\":\[\"sg-0web\",\"sg-0ssh\"\]" out &&
	 [ "$(count aws.describe)" -eq 1 ] && [ "$(count aws.ec2)" -eq 1 ] &&
	 grep -q "GroupId.1=sg-0quarantine" "$VLOG"'
check 'aws: unquarantine puts the recorded groups back, one GroupId.N each' \
	'printf "%s\n" "{\"target\":{\"type\":\"instance\",\"value\":\"i-0abc1234\"},\"inputs\":{\"security_group\":\"sg-0quarantine\"},\"result\":$(jq -c .result out)}" >v.json &&
	 : >"$VLOG" && soc-conn "$CONNECTORS/aws.json" set.json unquarantine_instance v.json >out && nofail &&
	 grep -q "GroupId.1=sg-0web&GroupId.2=sg-0ssh" "$VLOG"'
check 'aws: unquarantine as a step of its own takes inputs.security_group' \
	'conn aws unquarantine_instance instance i-0abc1234 "" "\"security_group\":[\"sg-0a\",\"sg-0b\",\"sg-0c\"]" && nofail &&
	 grep -q "GroupId.1=sg-0a&GroupId.2=sg-0b&GroupId.3=sg-0c" "$VLOG"'
check 'aws: forensic snapshot' \
	'conn aws snapshot_instance instance i-0abc1234 "" "\"volume_id\":\"vol-0abc\"" && nofail'
check 'aws: rotate: a new key (after a 429), stored in Secrets Manager, the old key inactive' \
	'conn aws rotate_access_key access_key AKIAIOSFODNN7EXAMPLE "\"aws.user_name\":\"ci-deploy\"" && nofail &&
	 [ "$(count aws.create_key)" -eq 2 ] && [ "$(count aws.sm)" -eq 1 ] && [ "$(count aws.iam)" -eq 1 ] &&
	 grep -q "AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status=Inactive" "$VLOG" &&
	 jq -e "(.result.new_key_id | test(\"^AKIANEWKEY[0-9]{10}$\")) and (.result.secret_version | length > 0)" out >/dev/null &&
	 ! grep -q S3CR3T out'
check_exit 'aws: rotate whose secret store is missing stops after the new key' 69 \
	'conn aws rotate_access_key access_key AKIAIOSFODNN7EXAMPLE "\"aws.user_name\":\"nobody\""'
check 'the old key stays active, the new key id is in the result to clean up' \
	'[ "$(count aws.iam)" -eq 0 ] && grep -q "request 2 of 3 failed" out &&
	 grep -q "\"new_key_id\":\"AKIANEWKEY[0-9]*\"" out'
check 'aws: restrict_iam attaches AWSDenyAll (after a 500), unrestrict detaches it' \
	'conn aws restrict_iam account ci-deploy && nofail && grep -q "\"attempts\":2" out &&
	 grep -q "PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAWSDenyAll" "$VLOG" &&
	 conn aws unrestrict_iam user x "\"aws.user_name\":\"ci-deploy\"" && nofail && [ "$(count aws.detach_policy)" -eq 1 ]'
check 'defender: block_url, then unblock it by the indicator id (401: token fetched again)' \
	'conn defender block_url url "https://evil.example/payload.exe" "" "\"text\":\"x\"" && nofail &&
	 [ "$(count entra.token)" -eq 2 ] && [ "$(count mde.indicator)" -eq 2 ] &&
	 id=$(jq -r .result.indicator_id out) &&
	 printf "%s\n" "{\"target\":{\"type\":\"url\",\"value\":\"x\"},\"result\":{\"indicator_id\":\"$id\"}}" >v.json &&
	 soc-conn "$CONNECTORS/defender.json" set.json unblock_url v.json >out && nofail &&
	 [ "$(count mde.indicator_delete)" -eq 1 ]'
check 'defender: indicators for a hash, an address and a domain, each deleted' \
	'for a in "hash $(printf %064d 9)" "ip 203.0.113.9" "domain evil.example"; do
	   set -- $a; conn defender block_$1 $1 $2 "" "\"text\":\"x\"" && nofail || exit 1;
	   id=$(jq -r .result.indicator_id out);
	   printf "%s\n" "{\"target\":{\"type\":\"$1\",\"value\":\"$2\"},\"result\":{\"indicator_id\":\"$id\"}}" >v.json;
	   soc-conn "$CONNECTORS/defender.json" set.json unblock_$1 v.json >out && nofail || exit 1; done'
check 'panos: the address registered with the tag and the TTL' \
	'conn panos block_ip ip 203.0.113.7 && nofail'
check 'panos: an address with XML in it is escaped, never markup' \
	'soc-conn --show "$CONNECTORS/panos.json" set.json block_ip v.json >/dev/null &&
	 vars v.json ip "1.2.3.4\\\"/><entry ip=\\\"10.0.0.1" &&
	 soc-conn --show "$CONNECTORS/panos.json" set.json block_ip v.json >out &&
	 grep -q "1.2.3.4%26quot%3B%2F%26gt%3B%26lt%3Bentry" out'
check 'cloudflare: block, then delete by the rule id' \
	'conn cloudflare block_ip ip 203.0.113.7 && nofail &&
	 grep -q "\"rule_id\":\"92f17202ed8bd63d69a66b86a49a8f6b\"" out &&
	 printf "%s\n" "{\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.7\"},\"result\":{\"rule_id\":\"92f17202ed8bd63d69a66b86a49a8f6b\"}}" >v.json &&
	 soc-conn "$CONNECTORS/cloudflare.json" set.json unblock_ip v.json >out && nofail'
check 'slack: a message posted' \
	'conn slack notify_channel channel C0SOC "" "\"text\":\"incident inc-0001: host contained\"" && nofail'
check_exit 'slack: ok false on HTTP 200 is a failure' 69 \
	'conn slack notify_channel channel C0GONE "" "\"text\":\"x\""'
check 'the reason is Slack'"'"'s' 'grep -q channel_not_found out'
check 'teams: a channel message' \
	'conn teams notify_channel channel "19:soc@thread.tacv2" "" "\"text\":\"hello\"" && nofail'
check 'pagerduty: trigger and resolve by the incident' \
	'conn pagerduty page_oncall channel oncall "" "\"text\":\"ransomware on ws-12\"" && nofail &&
	 conn pagerduty resolve_page channel oncall && nofail'
check_exit 'jira: an answer that is not JSON is a failure' 69 \
	'conn jira open_ticket host ws-12 "" "\"title\":\"t\",\"text\":\"x\""'
check 'jira: an issue, then a comment on it' \
	'conn jira open_ticket host ws-12 "" "\"title\":\"Incident inc-0001\",\"text\":\"x\"" && nofail &&
	 grep -q "\"key\":\"SOC-1\"" out &&
	 conn jira update_ticket ticket x "\"jira.key\":\"SOC-1\"" "\"text\":\"contained\"" && nofail'
# tvars ACTION: the variables of a step on the incident whose ticket
# open_ticket opened (soc-act passes its result as "ticket").
tvars() {
	printf '{"target":{"type":"incident","value":"inc-0001"},"inputs":{"text":"contained"},"step":{"incident":"inc-0001"},"ticket":%s}\n' "$1" >v.json
}
check 'jira: the incident'"'"'s issue commented and closed (transition with a comment)' \
	'jq ".connectors.jira" cfg.json >set.json && tvars "{\"key\":\"SOC-1\",\"id\":\"10000\"}" && : >"$VLOG" &&
	 soc-conn "$CONNECTORS/jira.json" set.json update_ticket v.json >out && nofail &&
	 soc-conn "$CONNECTORS/jira.json" set.json close_ticket v.json >out && nofail &&
	 [ "$(count jira.comment)" -eq 1 ] && [ "$(count jira.transition)" -eq 1 ]'
check 'servicenow: an incident, then work notes' \
	'conn servicenow open_ticket host ws-12 "" "\"title\":\"t\",\"text\":\"x\"" && nofail &&
	 grep -q "\"number\":\"INC0010001\"" out &&
	 conn servicenow update_ticket ticket x "\"servicenow.sys_id\":\"9d385017c611228701d22104cc95c371\"" "\"text\":\"y\"" && nofail'
check 'servicenow: the incident'"'"'s record updated, then resolved after a slow answer' \
	'jq ".connectors.servicenow + {timeout_ms: 3000}" cfg.json >set.json &&
	 tvars "{\"sys_id\":\"9d385017c611228701d22104cc95c371\",\"number\":\"INC0010001\"}" && : >"$VLOG" &&
	 soc-conn "$CONNECTORS/servicenow.json" set.json update_ticket v.json >out && nofail &&
	 soc-conn "$CONNECTORS/servicenow.json" set.json close_ticket v.json >out && nofail &&
	 [ "$(count snow.close)" -eq 2 ] && grep -q "\"state\":\"6\"" out && grep -q "\"attempts\":2" out'
check_exit 'thehive: a slow server times out' 69 \
	'jq ".connectors.thehive + {timeout_ms: 1000, retry: {attempts: 1}}" cfg.json >set.json &&
	 vars v.json ip 203.0.113.7 "" "\"title\":\"t\",\"text\":\"x\"" &&
	 soc-conn "$CONNECTORS/thehive.json" set.json open_ticket v.json >out'
check 'thehive: an alert with the severity as a number' \
	'conn thehive open_ticket ip 203.0.113.7 "" "\"title\":\"t\",\"text\":\"x\"" && nofail'
check_exit 'thehive: a comment answered with an HTML page is a failure' 69 \
	'jq ".connectors.thehive" cfg.json >set.json && tvars "{\"id\":\"~41000\"}" &&
	 soc-conn "$CONNECTORS/thehive.json" set.json update_ticket v.json >out'
check 'thehive: the incident'"'"'s alert commented, then closed' \
	'soc-conn "$CONNECTORS/thehive.json" set.json update_ticket v.json >out && nofail &&
	 grep -q "\"comment_id\":\"~4200\"" out &&
	 soc-conn "$CONNECTORS/thehive.json" set.json close_ticket v.json >out && nofail &&
	 [ "$(count hive.close)" -eq 1 ]'
check_exit 'a secret written in the configuration is refused' 78 \
	'jq ".connectors.okta + {api_token: \"okta-token-S3CR3T\"}" cfg.json >set.json &&
	 vars v.json user alice@corp.example && soc-conn "$CONNECTORS/okta.json" set.json revoke_sessions v.json >out'
check_exit 'http to an address that is not loopback is refused' 78 \
	'jq ".connectors.okta + {base_url: \"http://192.0.2.1/okta\"}" cfg.json >set.json &&
	 soc-conn "$CONNECTORS/okta.json" set.json revoke_sessions v.json >out'
check_exit 'a write connector is not loaded for reading' 78 \
	'jq ".connectors.okta" cfg.json >set.json && soc-conn --read "$CONNECTORS/okta.json" set.json revoke_sessions v.json >out'
check 'every action of every connector shows its request, credentials masked' \
	'for f in $CONNECTORS/*.json; do n=$(basename $f .json);
	   jq ".connectors.$n" cfg.json >set.json;
	   for a in $(jq -r ".actions|keys[]" $f); do
	     printf "%s\n" "{\"target\":{\"type\":\"$(jq -r ".actions.$a.target[0]" $f)\",\"value\":\"x\",\"ids\":{\"crowdstrike.device_id\":\"a\",\"defender.machine_id\":\"b\",\"sentinelone.agent_id\":\"c\",\"aws.user_name\":\"u\",\"entra.user_id\":\"d\",\"slack.user_id\":\"U1\"}},\"inputs\":{\"text\":\"t\",\"title\":\"t\",\"volume_id\":\"vol-1\"},\"step\":{\"incident\":\"i\"},\"ticket\":{\"key\":\"SOC-1\",\"sys_id\":\"s\",\"id\":\"~1\"},\"result\":{\"ioc_id\":\"i\",\"rule_id\":\"r\",\"indicator_id\":\"1\",\"groups\":[\"sg-1\"]}}" >v.json;
	     soc-conn --show $f set.json $a v.json >>shown || { cat shown; exit 1; }; done; done;
	 [ "$(wc -l <shown)" -eq "$(cat $CONNECTORS/*.json | jq -s "map(.actions|length)|add")" ] &&
	 grep -q "SecretAccessKey.*\[redacted\]" shown && grep -q "{result.new_key_id}" shown &&
	 grep -q "Basic \[redacted\]" shown && grep -q "SSWS \[redacted\]" shown &&
	 grep -q "\"routing_key\\\\\":\\\\\"\[redacted\]" shown'
check 'no credential in any output or in what the requests logged' \
	'! grep -q S3CR3T shown out && ! grep -q S3CR3T "$VLOG"'
done_testing
