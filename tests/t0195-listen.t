#!/bin/sh
# soc-listen: syslog over UDP, TCP (both framings) and TLS, webhooks with
# a token and an HMAC signature, each event in an envelope naming its
# peer that soc-ingest maps as it maps files; bad requests refused with
# their 4xx and nothing spooled; a full spool drops datagrams (counted)
# and answers webhooks 503.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/listen-lib.sh"
for c in python3 curl openssl; do command -v $c >/dev/null || skip_all "$c needed"; done
plan 23
export SOC_NOW=2026-12-04T10:00:00.000Z
export HOOK_TOKEN=hook-token-S3CR3T HOOK_KEY=hook-hmac-S3CR3T
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=localhost -days 1 -keyout key.pem -out cert.pem 2>/dev/null

start_listen out.ndjson --spool sp --udp 127.0.0.1:0 --tcp 127.0.0.1:0 \
	--tls 127.0.0.1:0 --cert cert.pem --key key.pem --webhook 127.0.0.1:0 \
	--token-env HOOK_TOKEN --hmac-env HOOK_KEY --max-body 4K --stats
check 'four listeners bound' '[ -n "$UDP" ] && [ -n "$TCP" ] && [ -n "$TLS" ] && [ -n "$HOOK" ]'
check 'syslog: UDP, TCP by newline, TCP by octet count, TLS' \
	'send udp $UDP 5 udp && send tcp $TCP 7 tcpnl && send tcp $TCP 7 tcpoc --octet &&
	 send tls $TLS 7 tls --ca cert.pem'

# post NAME BODYFILE [SIG] [curl options]: the status in NAME.status.
sig() { printf 'sha256=%s' "$(openssl dgst -sha256 -hmac "$HOOK_KEY" -r "$1" | cut -d" " -f1)"; }
post() {
	_n=$1 _b=$2; shift 2
	curl -s -o "$_n.body" -w '%{http_code}' --data-binary "@$_b" \
	    -H 'Content-Type: application/json' "$@" "http://127.0.0.1:$HOOK/hook" >"$_n.status"
}
head -n 1 "$SOC_TOP/examples/suricata-eve.json" >one.json
jq -s '.[1:4]' "$SOC_TOP/examples/suricata-eve.json" >three.json
printf '{"not json"' >bad.json
head -c 5000 /dev/zero | tr '\0' ' ' | sed 's/^/[/; s/$/]/' >big.json
AUTH="Authorization: Bearer $HOOK_TOKEN"
check 'a good webhook (one event): 200' \
	'post good1 one.json -H "$AUTH" -H "X-Hub-Signature-256: $(sig one.json)" && [ "$(cat good1.status)" = 200 ]'
check 'a good webhook (a list of three): 200' \
	'post good3 three.json -H "$AUTH" -H "X-Hub-Signature-256: $(sig three.json)" && [ "$(cat good3.status)" = 200 ]'
check 'unsigned: 401' 'post unsigned one.json -H "$AUTH" && [ "$(cat unsigned.status)" = 401 ]'
check 'a bad signature: 401' \
	'post badsig one.json -H "$AUTH" -H "X-Hub-Signature-256: $(sig three.json)" && [ "$(cat badsig.status)" = 401 ]'
check 'no token: 401' \
	'post notoken one.json -H "X-Hub-Signature-256: $(sig one.json)" && [ "$(cat notoken.status)" = 401 ]'
check 'oversized: 413' \
	'post big big.json -H "$AUTH" -H "X-Hub-Signature-256: $(sig big.json)" && [ "$(cat big.status)" = 413 ]'
check 'malformed JSON: 400' \
	'post bad bad.json -H "$AUTH" -H "X-Hub-Signature-256: $(sig bad.json)" && [ "$(cat bad.status)" = 400 ]'
check 'GET: 405' \
	'[ "$(curl -s -o /dev/null -w "%{http_code}" -H "$AUTH" "http://127.0.0.1:$HOOK/")" = 405 ]'
sleep 0.3
stop_listen
check 'stopped by SIGTERM: status 0' '[ "$LRC" -eq 0 ]'
check 'the counts' 'grep -q "^soc-listen: 28 events spooled (udp 5, tcp 14, tls 7, http 2), 0 udp dropped (spool full), 0 oversized, 6 webhooks refused, 0 answered busy" out.ndjson.err'
check_exit 'soc-ingest maps every envelope' 0 'soc-ingest out.ndjson >rec.ndjson 2>ingest.err'
check 'one record per message and per listed event' \
	'[ "$(wc -l <rec.ndjson)" -eq 30 ] &&
	 [ "$(jq -r "select(.soc.source.format==\"syslog\") | .soc.source.transport" rec.ndjson | sort | uniq -c | tr -s " ")" = " 14 tcp
 7 tls
 5 udp" ] &&
	 [ "$(jq -r "select(.soc.source.format==\"suricata-eve\") | .soc.source.transport" rec.ndjson | sort | uniq -c | tr -s " ")" = " 4 http" ]'
check 'every record names its peer' \
	'[ "$(jq -r ".soc.source.peer" rec.ndjson | grep -vc "^127\.0\.0\.1:[0-9][0-9]*$")" -eq 0 ]'
check 'every message whole, in order per connection; a newline carried by octet counting' \
	'jq -r "select(.soc.source.transport==\"tcp\") | .message" rec.ndjson >tcp.msgs &&
	 [ "$(sed -n 1p tcp.msgs)" = "tcpnl 0" ] && [ "$(sed -n 14p tcp.msgs)" = "tcpoc 6" ] &&
	 [ "$(jq -r "select(.\"socpipe.listen\".transport == \"tls\") | .event" out.ndjson | grep -c "tls 3$")" -eq 1 ] &&
	 [ "$(jq -r "select(.\"socpipe.listen\".transport == \"tls\") | .event" out.ndjson | grep -A1 "tls 3$" | tail -n 1)" = "second line" ]'
check 'the webhook events are the posted ones, ids as from a file' \
	'{ cat one.json; jq -c ".[]" three.json; } | soc-ingest | jq -r .soc.id | sort >want.ids &&
	 jq -r "select(.soc.source.transport==\"http\") | .soc.id" rec.ndjson | sort >got.ids && cmp -s want.ids got.ids'
check 'no secret in any output' '! grep -rl S3CR3T out.ndjson out.ndjson.err rec.ndjson sp'

# A full spool: the reader takes nothing (a pipe nobody reads), the spool
# holds 64 KiB: datagrams are dropped and counted, webhooks answered 503.
mkfifo fifo
: >full.err	# soc-listen opens it once the fifo has a reader: until then, no lines
sleep 60 <fifo &
SPID=$!
soc-listen --spool sp2 --udp 127.0.0.1:0 --webhook 127.0.0.1:0 --token-env HOOK_TOKEN \
	--max-spool 64K --stats >fifo 2>full.err &
LPID=$!
i=0; while [ "$(grep -c listening full.err)" -lt 2 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
UDP=$(awk '$4 == "udp" { n = split($5, a, ":"); print a[n] }' full.err)
HOOK=$(awk '$4 == "http" { n = split($5, a, ":"); print a[n] }' full.err)
send udp $UDP 3000 flood
sleep 0.5
check 'full: a webhook is answered 503 with Retry-After' \
	'curl -s -D hdr -o /dev/null -H "$AUTH" --data-binary @one.json "http://127.0.0.1:$HOOK/" &&
	 grep -q "^HTTP/1.1 503" hdr && grep -qi "^Retry-After: 1" hdr'
kill -TERM $LPID; wait $LPID; rc=$?
kill $SPID 2>/dev/null
check 'stopped: status 0' '[ $rc -eq 0 ]'
check 'the spool stayed within its bound' '[ "$(stat -c %s sp2/spool.ndjson)" -le 65536 ]'
check 'the drops are counted, and add up' \
	'line=$(grep "events spooled" full.err) &&
	 s=$(echo "$line" | sed "s/.*: \([0-9]*\) events spooled.*/\1/") &&
	 d=$(echo "$line" | sed "s/.*, \([0-9]*\) udp dropped.*/\1/") &&
	 [ "$d" -gt 0 ] && [ $((s + d)) -le 3000 ] && echo "$line" | grep -q "1 answered busy"'

# examples/ops/soc-listen.service: its pipeline parses.
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$SOC_TOP/examples/ops/soc-listen.service" |
	sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'\$/\1/p" >unit.sh
check 'the example unit runs soc-listen into soc-ingest, and its pipeline parses' \
	'test -s unit.sh && sh -n unit.sh && grep -q "exec soc-listen .*| soc-ingest" unit.sh'
