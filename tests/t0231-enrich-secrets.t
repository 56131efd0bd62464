#!/bin/sh
# soc-enrich against a hostile provider on 127.0.0.1 that redirects to
# another origin (a second server: another port) and echoes the API key
# it was sent in its error text and detail fields.  No key may reach the
# other origin, the output, stderr, the rejects or any file of the state
# directory (enrich.db and its cache), not even a prefix cut by a
# truncation.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
plan 11
export SOC_NOW=2026-11-22T12:00:00Z
export VT_API_KEY=HOSTILEKEY0123456789vt OTHER_KEY=HOSTILEKEY0123456789xx

# The other origin: whatever reaches it is a leak.
start_httpd --max-requests 20 --lifetime 300
UB="http://127.0.0.1:$HTTPD_PORT" LB=$HTTPD_LOG
pad=$(printf '%0195d' 0)
cat >routes.json <<EOF2
{
 "/vt/*": {"status": 302, "headers": {"Location": "$UB/steal"}, "body": ""},
 "/gn/*": {"status": 301, "headers": {"Location": "$UB/steal2"}, "body": ""},
 "/octi/graphql": {"status": 200, "body": {"errors": [{"message": "bad token {{header:Authorization}}"}]}},
 "/rep/*": {"status": 200, "body": {"result": {"risk": 90, "note": "$pad{{header:X-Api-Key}}"}}},
 "/rep2/*": {"status": 200, "body": {"result": {"risk": 10, "note": "key={{header:X-Api-Key}};again={{header:X-Api-Key}}"}}}
}
EOF2
start_httpd --routes routes.json --max-requests 50 --lifetime 300
UA="http://127.0.0.1:$HTTPD_PORT" LA=$HTTPD_LOG

cat >cfg.json <<EOF2
{"providers": [
 {"type": "virustotal", "url": "$UA/vt", "allow_http": true, "api_key": {"env": "VT_API_KEY"}},
 {"type": "greynoise", "url": "$UA/gn", "allow_http": true, "api_key": {"env": "OTHER_KEY"}},
 {"type": "opencti", "url": "$UA/octi", "allow_http": true, "api_key": {"env": "OTHER_KEY"}, "types": ["ipv4"]},
 {"type": "http", "name": "rep", "url": "$UA/rep/{value}", "allow_http": true,
  "headers": {"X-Api-Key": "{key}"}, "api_key": {"env": "VT_API_KEY"},
  "score": "result.risk", "detail": "result.note", "types": ["ipv4"]},
 {"type": "http", "name": "rep2", "url": "$UA/rep2/{value}", "allow_http": true,
  "headers": {"X-Api-Key": "{key}"}, "api_key": {"env": "OTHER_KEY"},
  "score": "result.risk", "detail": "result.note", "types": ["ipv4"]}
]}
EOF2
echo '{"@timestamp":"2026-11-22T10:00:00.000Z","source":{"ip":"198.51.100.7"},"soc":{"kind":"alert","id":"1"}}' >alerts

check_exit 'enrich against the hostile provider' 0 \
	'soc-enrich --config cfg.json --rejects rej alerts >out 2>err'
lk() { jq -r --arg p "$1" '.soc.enrich.lookups[] | select(.provider == $p) | "\(.status) \(.detail)"' out; }
check 'the provider was sent the keys (the test means something)' \
	'[ "$(grep -c "\"x-apikey\": \"<set>\"" "$LA")" -ge 1 ] && grep -q "\"X-Api-Key\": \"<set>\"" "$LA"'
check 'the other origin got no request' '[ ! -s "$LB" ]'
check 'a redirect is an error that says why' \
	'[ "$(lk virustotal)" = "error HTTP 302: redirects are not followed (the key would go with them): configure the final URL" ] &&
	 [ "$(lk greynoise)" = "error HTTP 301: redirects are not followed (the key would go with them): configure the final URL" ]'
check 'an OpenCTI error echoing the token is redacted' \
	'[ "$(lk opencti)" = "error error: bad token Bearer [redacted]" ]'
check 'a detail field is redacted before it is cut (no prefix left)' \
	'[ "$(lk rep)" = "ok ${pad}[reda" ]'
check 'every occurrence is redacted' \
	'[ "$(lk rep2)" = "ok key=[redacted];again=[redacted]" ]'
# A second run answers rep and rep2 from the cache.
soc-enrich --config cfg.json --rejects rej2 alerts >out2 2>err2
check 'the cache holds the redacted detail' \
	'jq -e "[.soc.enrich.lookups[] | select(.status == \"cached\")] | length == 2" out2 >/dev/null &&
	 jq -r ".soc.enrich.lookups[] | select(.provider == \"rep2\") | .detail" out2 | grep -qx "key=\[redacted\];again=\[redacted\]"'
: >>rej; : >>rej2
check 'no key (nor its prefix) in output, stderr or rejects' \
	'! grep -a -q HOSTILEKEY out err rej out2 err2 rej2'
check 'no key in any file of the state directory' \
	'[ -s "$SOC_HOME/enrich.db" ] && ! grep -r -a -q HOSTILEKEY "$SOC_HOME"'
check 'nor in what the hostile server logged of the other origin' \
	'! grep -a -q HOSTILEKEY "$LA"'
done_testing
