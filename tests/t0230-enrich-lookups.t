#!/bin/sh
# soc-enrich remote lookups against tests/httpd.py on 127.0.0.1 replaying
# the providers' response shapes: every provider type, slow answers, 429
# with Retry-After, 5xx, malformed and oversized bodies, quotas and rate
# limits, the breaker, the cache (a second run sends nothing), --offline,
# input order under uneven latency, and API keys kept secret.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
plan 35
E="$FIX/enrich"
export SOC_NOW=2026-11-22T12:00:00Z
start_httpd --routes "$E/routes.json" --max-requests 1000 --lifetime 300
U="http://127.0.0.1:$HTTPD_PORT"
export VT_API_KEY=SECRETVALUE123 OTHER_KEY=OTHERSECRET456
unset SOC_TEST_UNSET_KEY
nreq() { if [ -f "$HTTPD_LOG" ]; then wc -l <"$HTTPD_LOG"; else echo 0; fi; }
# lk FILE PROVIDER OBSERVABLE: that lookup's JSON.
lk() {
	jq -c --arg p "$2" --arg o "$3" \
	    '.soc.enrich.lookups[]? | select(.provider == $p and .observable == $o)' "$1" | head -n 1
}
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'

cat >"$T/alerts" <<'EOF2'
{"@timestamp":"2026-11-22T10:00:00.000Z","source":{"ip":"10.1.2.3"},"destination":{"ip":"198.51.100.7","domain":"c2.evil.example"},"url":{"original":"http://evil.example/payload.exe"},"file":{"hash":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},"soc":{"kind":"alert","id":"1"}}
{"soc":{"kind":"feedback","score":0.10}}
{"@timestamp":"2026-11-22T10:00:01.000Z","source":{"ip":"198.51.100.7"},"destination":{"ip":"192.168.1.1"},"soc":{"kind":"alert","id":"2"}}
EOF2

cat >"$T/c1.json" <<EOF2
{"providers": [
 {"type": "virustotal", "url": "$U/vt", "allow_http": true, "api_key": {"env": "VT_API_KEY"}},
 {"type": "abuseipdb", "url": "$U/abuse", "allow_http": true, "api_key": {"env": "OTHER_KEY"}},
 {"type": "greynoise", "url": "$U/gn", "allow_http": true, "api_key": {"env": "OTHER_KEY"}},
 {"type": "misp", "url": "$U/misp", "allow_http": true, "api_key": {"env": "OTHER_KEY"}, "types": ["ipv4"]},
 {"type": "opencti", "url": "$U/octi", "allow_http": true, "api_key": {"env": "OTHER_KEY"}, "types": ["ipv4"]},
 {"type": "http", "name": "rep", "url": "$U/rep/{type}/{value}", "allow_http": true,
  "headers": {"X-Api-Key": "{key}"}, "api_key": {"env": "OTHER_KEY"},
  "score": "result.risk", "detail": "result.note", "types": ["ipv4", "domain"]},
 {"type": "virustotal", "name": "nokey", "url": "$U/vt", "allow_http": true, "api_key": {"env": "SOC_TEST_UNSET_KEY"}}
]}
EOF2
check_exit 'all providers: exit 0' 0 'soc-enrich --config "$T/c1.json" "$T/alerts" >"$T/o1" 2>"$T/e1"'
check 'VirusTotal address: malicious, with the engines' \
	'test "$(lk "$T/o1" virustotal 198.51.100.7)" = "{\"provider\":\"virustotal\",\"observable\":\"198.51.100.7\",\"status\":\"ok\",\"verdict\":\"malicious\",\"score\":100,\"detail\":\"7 malicious, 1 suspicious of 93 engines\"}"'
check 'VirusTotal 404: ok, unknown' \
	'lk "$T/o1" virustotal c2.evil.example | grep -q "\"status\":\"ok\",\"verdict\":\"unknown\",\"score\":0,\"detail\":\"not found\""'
check 'VirusTotal file and URL' \
	'lk "$T/o1" virustotal e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | grep -q "\"verdict\":\"unknown\"" &&
	 lk "$T/o1" virustotal http://evil.example/payload.exe | grep -q "\"verdict\":\"suspicious\",\"score\":20"'
check 'VirusTotal requests have the real paths' \
	'grep -q "\"path\": \"/vt/urls/aHR0cDovL2V2aWwuZXhhbXBsZS9wYXlsb2FkLmV4ZQ\"" "$HTTPD_LOG" &&
	 grep -q "\"path\": \"/vt/files/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"" "$HTTPD_LOG" &&
	 grep -q "\"path\": \"/vt/domains/c2.evil.example\"" "$HTTPD_LOG"'
check 'AbuseIPDB' \
	'lk "$T/o1" abuseipdb 198.51.100.7 | grep -q "\"status\":\"ok\",\"verdict\":\"malicious\",\"score\":100,\"detail\":\"abuseConfidenceScore 100, 57 reports\"" &&
	 grep -q "\"path\": \"/abuse/check?ipAddress=198.51.100.7&maxAgeInDays=90\"" "$HTTPD_LOG"'
check 'GreyNoise' \
	'lk "$T/o1" greynoise 198.51.100.7 | grep -q "\"verdict\":\"malicious\",\"score\":90,\"detail\":\"classification malicious, unknown\""'
check 'MISP restSearch' \
	'lk "$T/o1" misp 198.51.100.7 | grep -q "\"verdict\":\"malicious\",\"score\":90,\"detail\":\"1 attributes, 1 for detection (to_ids)\"" &&
	 grep "/misp/attributes/restSearch" "$HTTPD_LOG" | grep -q "\\\\\"value\\\\\":\\\\\"198.51.100.7\\\\\""'
check 'OpenCTI GraphQL' \
	'lk "$T/o1" opencti 198.51.100.7 | grep -q "\"verdict\":\"malicious\",\"score\":80,\"detail\":\"x_opencti_score 80\"" &&
	 grep "/octi/graphql" "$HTTPD_LOG" | grep -q "stixCyberObservables"'
check 'generic HTTP template' \
	'lk "$T/o1" rep 198.51.100.7 | grep -q "\"verdict\":\"suspicious\",\"score\":55,\"detail\":\"seen in spam runs\"" &&
	 grep -q "\"path\": \"/rep/domain/c2.evil.example\"" "$HTTPD_LOG"'
check 'a missing key: skipped, saying which variable' \
	'lk "$T/o1" nokey 198.51.100.7 | grep -q "\"status\":\"skipped\",\"verdict\":\"unknown\",\"score\":0,\"detail\":\"SOC_TEST_UNSET_KEY is not set\"" &&
	 grep -q "provider .nokey.: SOC_TEST_UNSET_KEY is not set" "$T/e1"'
check 'each observable asked once per provider, internal addresses never' \
	'test "$(grep -c "198.51.100.7" "$HTTPD_LOG")" -eq 6 && ! grep -q "10.1.2.3\|192.168.1.1" "$HTTPD_LOG"'
check 'API keys reach the server, never the output' \
	'grep -q "\"x-apikey\": \"<set>\"" "$HTTPD_LOG" && ! grep -q "SECRETVALUE123\|OTHERSECRET456" "$T/o1" "$T/e1" "$HTTPD_LOG"'
check 'the feedback record passed byte for byte, in place' \
	'sed -n 2p "$T/o1" | grep -qx "{\"soc\":{\"kind\":\"feedback\",\"score\":0.10}}" && test "$(jq -r .soc.id "$T/o1" | tr "\n" " ")" = "1 null 2 "'

n=$(nreq)
check_exit 'a second run' 0 'soc-enrich --config "$T/c1.json" "$T/alerts" >"$T/o2" 2>/dev/null'
check 'sends no request: everything from the cache' \
	'test "$(nreq)" -eq "$n" && lk "$T/o2" virustotal 198.51.100.7 | grep -q "\"status\":\"cached\",\"verdict\":\"malicious\",\"score\":100"'
check 'cache stats' \
	'soc-enrich cache stats | grep -q "\"rep\":{\"entries\":3,\"fresh\":3},\"virustotal\":{\"entries\":5,\"fresh\":5}"'
check_exit 'cache clear' 0 'soc-enrich cache clear >"$T/cc.out" && grep -q "^12 cached results removed" "$T/cc.out"'
check_exit '--offline sends nothing' 0 \
	'soc-enrich --offline --config "$T/c1.json" "$T/alerts" >"$T/o3" 2>/dev/null && test "$(nreq)" -eq "$n"'
check 'and says offline' \
	'lk "$T/o3" virustotal 198.51.100.7 | grep -q "\"status\":\"offline\",\"verdict\":\"unknown\",\"score\":0,\"detail\":\"not in the cache\""'

# Failures.  One observable each, through the generic template.
printf '{"@timestamp":"2026-11-22T10:00:00.000Z","destination":{"ip":"198.51.100.9"},"soc":{"kind":"alert","id":"f"}}\n' >"$T/one"
p() { printf '{"type":"http","name":"%s","url":"%s","allow_http":true,"score":"result.risk","retries":%s,"timeout_ms":%s,"max_wait_ms":3000,"ttl":0}' "$1" "$2" "$3" "$4"; }
cat >"$T/c2.json" <<EOF2
{"providers": [
 $(p slow "$U/slow/{value}" 0 300),
 $(p flaky429 "$U/flaky429/{value}" 2 5000),
 $(p long429 "$U/long429/{value}" 2 5000),
 $(p flaky503 "$U/flaky503/{value}" 2 5000),
 $(p down "$U/down/{value}" 1 5000),
 $(p garbage "$U/garbage/{value}" 2 5000),
 $(p big "$U/big?bytes=3000000&v={value}" 2 5000),
 $(p refused "http://127.0.0.1:1/{value}" 0 2000)
]}
EOF2
check_exit 'failing providers never fail the run' 0 \
	'soc-enrich --config "$T/c2.json" "$T/one" >"$T/o4" 2>"$T/e4"'
check 'a slow answer: timeout' \
	'lk "$T/o4" slow 198.51.100.9 | grep -q "\"status\":\"timeout\",\"verdict\":\"unknown\",\"score\":0,\"detail\":\"no answer within 300 ms\""'
check '429 with Retry-After 1: retried, then ok' \
	'lk "$T/o4" flaky429 198.51.100.9 | grep -q "\"status\":\"ok\",\"verdict\":\"malicious\",\"score\":90" &&
	 test "$(grep -c "/flaky429/" "$HTTPD_LOG")" -eq 2'
check '429 with Retry-After 30: rate_limited, not waited for' \
	'lk "$T/o4" long429 198.51.100.9 | grep -q "\"status\":\"rate_limited\"" && test "$(grep -c "/long429/" "$HTTPD_LOG")" -eq 1'
check '503 then 200: retried with backoff, ok' \
	'lk "$T/o4" flaky503 198.51.100.9 | grep -q "\"status\":\"ok\",\"verdict\":\"harmless\",\"score\":10"'
check '500 every time: error after 1 retry' \
	'lk "$T/o4" down 198.51.100.9 | grep -q "\"status\":\"error\",\"verdict\":\"unknown\",\"score\":0,\"detail\":\"HTTP 500\"" &&
	 test "$(grep -c "/down/" "$HTTPD_LOG")" -eq 2'
check 'a malformed body: error' \
	'lk "$T/o4" garbage 198.51.100.9 | grep -q "\"status\":\"error\",\"verdict\":\"unknown\",\"score\":0,\"detail\":\"malformed response (HTTP 200)\""'
check 'an oversized body: error, not retried' \
	'lk "$T/o4" big 198.51.100.9 | grep -q "\"status\":\"error\",.*larger than 1048576 bytes" && test "$(grep -c "/big?" "$HTTPD_LOG")" -eq 1'
check 'a refused connection: error' 'lk "$T/o4" refused 198.51.100.9 | grep -q "\"status\":\"error\""'

# Quota, rate limit and breaker, over several observables.
for i in 11 12 13 14 15 16 17; do
	printf '{"@timestamp":"2026-11-22T10:00:00.000Z","destination":{"ip":"198.51.100.%s"},"soc":{"kind":"alert","id":"q%s"}}\n' $i $i
done >"$T/seven"
cat >"$T/c3.json" <<EOF2
{"providers": [
 {"type":"http","name":"quota","url":"$U/rep/{value}","allow_http":true,"score":"result.risk","quota_per_day":2,"ttl":0},
 {"type":"http","name":"rate","url":"$U/rep/{value}","allow_http":true,"score":"result.risk","rate_per_minute":1,"max_wait_ms":0,"ttl":0},
 {"type":"http","name":"breaker","url":"$U/down/{value}","allow_http":true,"score":"result.risk","retries":0,"concurrency":1,"ttl":0}
]}
EOF2
check_exit 'quota, rate limit, breaker: exit 0' 0 'soc-enrich --config "$T/c3.json" "$T/seven" >"$T/o5" 2>/dev/null'
check 'a daily quota of 2: two asked, then quota' \
	'test "$(jq -r ".soc.enrich.lookups[] | select(.provider == \"quota\") | .status" "$T/o5" | tr "\n" " ")" = "ok ok quota quota quota quota quota "'
check 'a rate of 1 a minute without waiting: one asked, then rate_limited' \
	'test "$(jq -r ".soc.enrich.lookups[] | select(.provider == \"rate\") | .status" "$T/o5" | sort | uniq -c | tr -s " \n" " ")" = " 1 ok 6 rate_limited "'
check 'five failures open the breaker: the rest skipped' \
	'test "$(jq -r ".soc.enrich.lookups[] | select(.provider == \"breaker\") | .status" "$T/o5" | tr "\n" " ")" = "error error error error error skipped skipped "'

# Order under uneven latency: the first answer is the slowest.
for i in 1 2 3 4 5 6 7 8; do
	printf '{"@timestamp":"2026-11-22T10:00:00.000Z","destination":{"ip":"198.51.100.%s"},"soc":{"kind":"alert","id":"o%s"}}\n' $i $i
	printf '{"soc":{"kind":"feedback","n":%s}}\n' $i
done >"$T/eight"
cat >"$T/c4.json" <<EOF2
{"providers": [{"type":"http","name":"order","url":"$U/order/{value}","allow_http":true,"score":"result.risk","ttl":0,"concurrency":8}]}
EOF2
check 'output order equals input order' \
	'soc-enrich --config "$T/c4.json" "$T/eight" >"$T/o6" &&
	 test "$(jq -r ".soc.id // .soc.n" "$T/o6" | tr "\n" " ")" = "o1 1 o2 2 o3 3 o4 4 o5 5 o6 6 o7 7 o8 8 " &&
	 lk "$T/o6" order 198.51.100.1 | grep -q "\"score\":1"'

# Real time: with the input still open, a record whose lookups are done
# is written at once, not held until more input or the end.
mkfifo "$T/fifo"
( sed -n 1p "$T/eight"; sleep 4 ) >"$T/fifo" &
soc-enrich --config "$T/c4.json" <"$T/fifo" >"$T/o7" &
ep=$!
sleep 2
check 'a record leaves while the input stays open' 'grep -q "\"id\":\"o1\"" "$T/o7"'
wait $ep
done_testing
