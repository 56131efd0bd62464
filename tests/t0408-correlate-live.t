#!/bin/sh
# soc-correlate on a live pipe: an incident comes out while the input
# stays open (the loop writes changed incidents when the input would
# block), and while alerts keep trickling in, the changed incidents are
# written at most every 250 ms (the stage loop's idle_every_ms), not once
# an alert: every version is one more investigation and decision
# downstream.  The last version holds every alert all the same.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 7
export SOC_NOW=2026-11-22T12:00:00Z

alert() {	# alert N: an alert on host h1, rule rN
	printf '{"@timestamp":"2026-11-22T11:%02d:%02dZ","soc":{"kind":"alert","id":"a%d","score":{"value":80,"priority":"high","disposition":"escalate"}},"rule":{"name":"r%d"},"host":{"name":"h1"}}\n' \
	    $(($1 / 60)) $(($1 % 60)) "$1" "$1"
}
ms() { date +%s%3N; }
versions() { grep -c '"kind":"incident"' out || :; }

mkfifo fifo
soc-correlate --stats fifo >out 2>err &
pid=$!
exec 3>fifo

# One alert, the pipe left open: its incident comes out (within the
# interval; 10 s allows for a loaded machine).
alert 1 >&3
i=0
while [ "$(versions)" -lt 1 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check 'one alert on an open pipe: its incident comes out at once' \
	'test "$(versions)" -eq 1'
check 'the alert before it' \
	'test "$(head -n 1 out | jq -r .soc.id)" = a1'

# 40 alerts of the same incident, one every 10 ms: at most one version
# every 250 ms of the time they took (and one more when the input pauses).
sleep 0.3
v0=$(versions)
t0=$(ms)
n=2
while [ $n -le 41 ]; do
	alert $n >&3
	sleep 0.01
	n=$((n + 1))
done
t1=$(ms)
i=0
while [ "$(grep -c '"kind":"alert"' out)" -lt 41 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.6	# the last changes are due 250 ms after the last version
v1=$(versions)
check 'the 40 alerts came out' 'test "$(grep -c "\"kind\":\"alert\"" out)" -eq 41'
check "at most one version each 250 ms while they kept coming ($((v1 - v0)) in $((t1 - t0)) ms)" \
	'test $((v1 - v0)) -ge 1 && test $((v1 - v0)) -le $(((t1 - t0) / 250 + 2))'
check 'the last version out holds all 41 alerts, before the input ends' \
	'test "$(grep "\"kind\":\"incident\"" out | tail -n 1 | jq .soc.incident.counts.alerts)" = 41'

exec 3>&-
wait $pid
check 'the run ends well' "test $? -eq 0"
check 'no version more at the end: nothing had changed' \
	'test "$(versions)" -eq "$v1"'
done_testing
