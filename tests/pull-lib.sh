# pull-lib.sh: products' event APIs for soc-pull's tests (after lib.sh).
#
#   start_pullsrv [--script FILE]   start tests/pullsrv.py on 127.0.0.1;
#                                   sets PP (its port) and PLOG; stopped at exit
#   pull_config FILE                a configuration naming every source at it
#   reveal SOURCE N                 the first N events of SOURCE are served
#
# The credentials are exported as the configuration names them; each holds
# S3CR3T, so a test can grep every output for it.

export CS_ID=cs-client-S3CR3T-id CS_SECRET=cs-client-S3CR3T-secret
export ENTRA_ID=entra-app-S3CR3T-id ENTRA_SECRET=entra-app-S3CR3T-secret
export OKTA_TOKEN=okta-token-S3CR3T GOOGLE_TOKEN=ya29.google-S3CR3T
# Each source of soc-pull, and its name in pullsrv.py and its event id.
PULL_SOURCES='okta-logs:okta:.uuid graph-signins:signins:.id graph-audits:audits:.id
graph-alerts:alerts_v2:.id defender-alerts:mde:.id
crowdstrike-alerts:cs:.composite_id google-admin:google:.id.uniqueQualifier'

start_pullsrv() {
	start_server pull pullsrv.py --lifetime 120 "$@"
	PP=$PORT PLOG=$SLOG PULLSRV_PID=$SERVER_PID
}

pull_config() {
	_u="http://127.0.0.1:$PP"
	_ms='"login_url": "'$_u'/login", "tenant_id": "11111111-2222-3333-4444-555555555555",
	  "client_id": {"env": "ENTRA_ID"}, "client_secret": {"env": "ENTRA_SECRET"}, "top": "3"'
	_gen='"allow_http": true, "retry": {"backoff_ms": 10}'
	cat >"$1" <<EOF
{
 "okta-logs": {"base_url": "$_u/okta", "api_token": {"env": "OKTA_TOKEN"}, "limit": "3", $_gen},
 "graph-signins": {"base_url": "$_u/graph", $_ms, $_gen},
 "graph-audits": {"base_url": "$_u/graph", $_ms, $_gen},
 "graph-alerts": {"base_url": "$_u/graph", $_ms, $_gen},
 "defender-alerts": {"base_url": "$_u/mde", $_ms, $_gen},
 "crowdstrike-alerts": {"base_url": "$_u/cs", "client_id": {"env": "CS_ID"},
   "client_secret": {"env": "CS_SECRET"}, "limit": "3", $_gen},
 "google-admin": {"base_url": "$_u/google", "access_token": {"env": "GOOGLE_TOKEN"},
   "max_results": "3", $_gen}
}
EOF
}

reveal() {
	curl -sf -X POST "http://127.0.0.1:$PP/ctl/$1/$2" >/dev/null
}
