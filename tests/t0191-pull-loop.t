#!/bin/sh
# soc-pull against a service whose next page is the page just read (a
# server that ignores its own skip token): the pass ends there, said on
# stderr, with status 69, instead of reading the same page for ever (each
# time writing its events again).  The next run writes nothing twice.
# (The server gives both pages the same event: it comes once a page.)
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all 'python3 not installed'
plan 6
export GRAPH_ID=graph-S3CR3T-id GRAPH_SECRET=graph-S3CR3T-secret
tenant=11111111-2222-3333-4444-555555555555
cat >routes.json <<EOF
{"/login/$tenant/oauth2/v2.0/token":
  {"body": {"access_token": "tok-S3CR3T", "token_type": "Bearer", "expires_in": 3600}},
 "/v1.0/auditLogs/signIns":
  {"body": {"value": [{"id": "e1", "createdDateTime": "2026-11-01T00:00:01Z"}],
            "@odata.nextLink": "http://{{header:Host}}/v1.0/auditLogs/signIns?\$skiptoken=same"}}}
EOF
start_httpd --routes routes.json --max-requests 40
cat >pull.json <<EOF
{"graph-signins": {"base_url": "http://127.0.0.1:$HTTPD_PORT",
  "login_url": "http://127.0.0.1:$HTTPD_PORT/login", "tenant_id": "$tenant",
  "client_id": {"env": "GRAPH_ID"}, "client_secret": {"env": "GRAPH_SECRET"},
  "allow_http": true, "retry": {"attempts": 1}}}
EOF
pages() { grep -c '"path": "/v1.0/auditLogs/signIns' "$HTTPD_LOG"; }

check_exit 'the page names itself as the next: 69' 69 \
	'soc-pull --config pull.json --since 2026-11-01T00:00:00Z graph-signins >out1 2>err1'
check 'said, after the first page and the one that loops' \
	'grep -q "^soc-pull: graph-signins: the next page is the page just read: the pass ends here" err1 &&
	 [ "$(pages)" -eq 2 ]'
check 'each page read once: its event written once' \
	'[ "$(wc -l <out1)" -eq 2 ] && [ "$(grep -c "^{\"id\":\"e1\"," out1)" -eq 2 ]'
check_exit 'the next run: 69 again' 69 'soc-pull --config pull.json graph-signins >out2 2>err2'
check 'nothing written twice, two pages read' '[ ! -s out2 ] && [ "$(pages)" -eq 4 ]'
check 'no credential in any output or cursor' '! grep -rq S3CR3T out1 err1 out2 err2 state'
done_testing
