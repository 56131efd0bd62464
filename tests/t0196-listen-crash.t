#!/bin/sh
# soc-listen: what it has taken (read from a TCP stream, answered 200 on a
# webhook) is in the spool before anything else happens, so a kill -9
# while the reader lags loses none of it: the next run writes the rest.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/listen-lib.sh"
for c in python3 curl; do command -v $c >/dev/null || skip_all "$c needed"; done
plan 9
export HOOK_TOKEN=hook-token-S3CR3T
N=3000 H=20

# The reader reads nothing until the listener is killed (a pipe holds
# 64 KiB of what it writes).
mkfifo p1
{ i=0; while [ ! -e go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done; cat >got1; } <p1 &
RPID=$!
start_listen p1 --spool sp --tcp 127.0.0.1:0 --webhook 127.0.0.1:0 --token-env HOOK_TOKEN
check 'listening' '[ -n "$TCP" ] && [ -n "$HOOK" ]'
check "$N messages over TCP" "send tcp $TCP $N crash"
check "$H webhooks, each answered 200" \
	'for i in $(seq 1 $H); do
	   s=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $HOOK_TOKEN" \
	       --data-binary "{\"hook\":$i}" "http://127.0.0.1:$HOOK/") && [ "$s" = 200 ] || exit 1
	 done'
i=0
while [ "$(wc -l <sp/spool.ndjson)" -lt $((N + H)) ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
check 'all of it in the spool' '[ "$(wc -l <sp/spool.ndjson)" -eq $((N + H)) ]'
kill -9 $LPID
wait $LPID 2>/dev/null
touch go
wait $RPID
check 'killed while the reader lagged: most not yet written' \
	'[ "$(wc -l <got1)" -lt $((N / 2)) ]'
start_listen got2 --spool sp --tcp 127.0.0.1:0
i=0
while [ "$(stat -c %s sp/spool.ndjson)" -ne 0 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
stop_listen
check 'the next run wrote the rest and emptied the spool' \
	'[ "$LRC" -eq 0 ] && [ "$(stat -c %s sp/spool.ndjson)" -eq 0 ]'
# Each event as (transport, event): the whole lines of each run's output
# (the first ends in the line the kill cut, which the second repeats).
for f in got1 got2; do
	jq -R -c 'fromjson? | [."socpipe.listen".transport, .event]' $f
done >seen
{ seq 0 $((N - 1)) | awk '{ printf "[\"tcp\",\"<13>1 2026-11-22T10:00:%02d.000Z host%d app - - - crash %d\"]\n", $1 % 60, $1 % 5, $1 }'
  seq 1 $H | awk '{ printf "[\"http\",{\"hook\":%d}]\n", $1 }'; } | sort >want
sort -u seen >seen.u
check_same 'every event taken, none lost' want seen.u
check 'none written twice (but the line cut by the kill)' \
	'[ "$(wc -l <seen)" -eq "$(wc -l <seen.u)" ]'
check 'no secret in any output' '! grep -l S3CR3T got1 got2 sp/spool.ndjson p1.err got2.err'
