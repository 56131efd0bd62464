# act-lib.sh: products' APIs for soc-act's tests (after lib.sh).
#
#   start_vendor [--script FILE]   start tests/vendor.py on 127.0.0.1; sets
#                                  VP (its port) and VLOG; stopped at exit
#   write_config FILE [MODE]       a soc-act configuration naming every
#                                  built-in connector at the vendor server
#   vars FILE TYPE VALUE [IDS [INPUTS]]   a step's variables for soc-conn
#
# The credentials are exported as the configuration names them; each
# holds S3CR3T, so a test can grep every output for it.

export CS_ID=cs-client-S3CR3T-id CS_SECRET=cs-client-S3CR3T-secret
export ENTRA_ID=entra-app-S3CR3T-id ENTRA_SECRET=entra-app-S3CR3T-secret
export S1_TOKEN=s1-token-S3CR3T OKTA_TOKEN=okta-token-S3CR3T
export GOOGLE_TOKEN=ya29.google-S3CR3T
export AWS_KEY_ID=AKIAS3CR3TEXAMPLE AWS_SECRET='aws-secret-S3CR3T/key+value'
export PANOS_KEY=panos-key-S3CR3T CF_TOKEN=cf-token-S3CR3T
export SLACK_TOKEN=xoxb-slack-S3CR3T TEAMS_TOKEN=teams-token-S3CR3T
export PD_KEY=pd-routing-S3CR3T JIRA_CRED='soc@corp.example:jira-token-S3CR3T'
export SNOW_CRED='soc-int:snow-pass-S3CR3T' HIVE_KEY=hive-key-S3CR3T
CONNECTORS="$SOC_TOP/connectors"

start_vendor() {
	# The server's lifetime only bounds a server the test failed to stop
	# (it is killed at exit): a sanitized build on a loaded machine takes
	# minutes over t0600, and a server gone before the last request fails
	# the test for nothing.
	start_server vendor vendor.py --lifetime 900 "$@"
	VP=$PORT VLOG=$SLOG VENDOR_PID=$SERVER_PID
}

stop_vendor() {
	kill "$VENDOR_PID" 2>/dev/null
	wait "$VENDOR_PID" 2>/dev/null
}

write_config() {
	_u="http://127.0.0.1:$VP"
	_g='"allow_http":true,"poll_ms":10,"retry":{"attempts":3,"backoff_ms":50,"max_wait_s":5}'
	cat >"$1" <<EOC
{"mode":"${2:-dry_run}","connectors":{
 "crowdstrike":{$_g,"base_url":"$_u/cs","client_id":{"env":"CS_ID"},"client_secret":{"env":"CS_SECRET"}},
 "defender":{$_g,"base_url":"$_u/mde","login_url":"$_u/login","tenant_id":"11111111-2222-3333-4444-555555555555","client_id":{"env":"ENTRA_ID"},"client_secret":{"env":"ENTRA_SECRET"}},
 "sentinelone":{$_g,"base_url":"$_u/s1","api_token":{"env":"S1_TOKEN"}},
 "okta":{$_g,"base_url":"$_u/okta","api_token":{"env":"OKTA_TOKEN"}},
 "graph":{$_g,"base_url":"$_u/graph","login_url":"$_u/login","tenant_id":"11111111-2222-3333-4444-555555555555","client_id":{"env":"ENTRA_ID"},"client_secret":{"env":"ENTRA_SECRET"}},
 "google":{$_g,"base_url":"$_u/google","access_token":{"env":"GOOGLE_TOKEN"}},
 "aws":{$_g,"iam_url":"$_u/aws-iam","ec2_url":"$_u/aws-ec2","secretsmanager_url":"$_u/aws-sm","region":"us-east-1","quarantine_sg":"sg-0quarantine","access_key_id":{"env":"AWS_KEY_ID"},"secret_access_key":{"env":"AWS_SECRET"}},
 "panos":{$_g,"base_url":"$_u/panos","api_key":{"env":"PANOS_KEY"}},
 "cloudflare":{$_g,"base_url":"$_u/cf","zone_id":"023e105f4ecef8ad9ca31a8372d0c353","api_token":{"env":"CF_TOKEN"}},
 "slack":{$_g,"base_url":"$_u/slack","bot_token":{"env":"SLACK_TOKEN"}},
 "teams":{$_g,"base_url":"$_u/teams","team_id":"team-1","access_token":{"env":"TEAMS_TOKEN"}},
 "pagerduty":{$_g,"base_url":"$_u/pd","routing_key":{"env":"PD_KEY"}},
 "jira":{$_g,"base_url":"$_u/jira","credentials":{"env":"JIRA_CRED"}},
 "servicenow":{$_g,"base_url":"$_u/snow","credentials":{"env":"SNOW_CRED"}},
 "thehive":{$_g,"base_url":"$_u/hive","api_key":{"env":"HIVE_KEY"}}}}
EOC
}

vars() {
	printf '{"target":{"type":"%s","value":"%s","ids":{%s}},"inputs":{%s},"step":{"id":"step-1","incident":"inc-0001","ttl_s":3600}}\n' \
	    "$2" "$3" "${4:-}" "${5:-}" >"$1"
}

# decision ID INCIDENT STEP...: a decision record with the steps given
# as JSON objects.
decision() {
	_id=$1 _inc=$2
	shift 2
	_steps=$(printf '%s,' "$@")
	printf '{"soc":{"kind":"decision","id":"%s","decision":{"incident":"%s","incident_version":1,"policy":{"name":"test","sha256":"00"},"planner":"builtin","steps":[%s]}}}\n' \
	    "$_id" "$_inc" "${_steps%,}"
}

# act_config FILE: write_config, live, with local connectors, routes and
# approvers.
act_config() {
	write_config "$T/.base.json" live
	jq '. + {local: {mailbox: {path: "mbox"}, tickets: {dir: "tickets"}},
	    routes: {disable_user: "graph", notify_channel: "mailbox", open_ticket: "tickets"},
	    approvers: {alice: {roles: ["senior", "approve"]}, bob: {roles: ["approve"]},
	      carol: {roles: ["approve"]}, dave: {roles: []}}}' "$T/.base.json" >"$1"
}

# count KEY: requests the vendor server answered for KEY.
count() { grep -c "\"key\": \"$1\"" "$VLOG" || true; }
