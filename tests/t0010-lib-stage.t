#!/bin/sh
# The stage loop's rules, the same in every stage (soc-enrich, soc-score):
# records without soc.kind and with a soc that is not an object are
# rejects with a reason; duplicate keys: the last wins for reading and
# writing; every line ends as a record or a reject; the common options;
# a second writer on the same state exits 75 before reading any input, or
# waits with --wait; a run killed with -9 leaves state the next run uses.
. "$(dirname "$0")/lib.sh"
STAGES="soc-enrich soc-score"
plan 39
export SOC_NOW=2026-11-22T12:00:00Z

# One alert, then the malformed records and duplicate keys every stage
# meets (tests/fixtures/stage/mixed.ndjson): 8 lines and a blank one.
cp "$FIX/stage/mixed.ndjson" mixed
A=$(head -n 1 mixed)

for s in $STAGES; do
	check_exit "$s: -h exits 0" 0 "$s -h >h.out && grep -q '^usage: $s' h.out"
	check_exit "$s: -V exits 0" 0 "$s -V >v.out"
	check "$s: -V names the program" "grep -q '^$s (socpipe) ' v.out"
	check_exit "$s: mixed input: 65" 65 \
		"$s --stats --rejects rej.$s mixed >out.$s 2>err.$s"
	check "$s: no soc.kind is a reject naming the fix" \
		"grep -q '^$s: mixed:2: no soc.kind: not a socpipe record (normalise raw events with soc-ingest first)\$' err.$s"
	check "$s: soc not an object is a reject" \
		"grep -q '^$s: mixed:3: soc is not an object\$' err.$s"
	check "$s: soc.kind not a string is a reject" \
		"grep -q '^$s: mixed:4: soc.kind is not a string\$' err.$s"
	check "$s: invalid JSON is a reject" "grep -q '^$s: mixed:6: invalid JSON' err.$s"
	check "$s: 8 lines: 4 out, 4 rejects" \
		"test \$(wc -l <out.$s) -eq 4 && test \$(wc -l <rej.$s) -eq 4 &&
		 grep -q '^$s: 8 lines in, 4 records out (2 passed through), 0 emitted, 0 consumed, 4 rejected' err.$s"
	check "$s: another kind passes byte for byte" \
		"grep -qx '{\"soc\":{\"kind\":\"weather\",\"x\":0.10}}' out.$s"
	check "$s: two soc objects: the last counts and is written" \
		"grep -q '^{\"soc\":{\"kind\":\"incident\",\"id\":\"i1\"},\"soc\":{\"kind\":\"alert\",\"id\":\"a2\",\"${s#soc-}\":{' out.$s"
	check "$s: last soc a decision: passed through" \
		"grep -qx '{\"soc\":{\"kind\":\"alert\",\"id\":\"a3\"},\"soc\":{\"kind\":\"decision\",\"id\":\"d1\"},\"y\":1E2}' out.$s"
	check "$s: jq reads the member where the stage wrote it" \
		"sed -n 3p out.$s | jq -e '.soc.${s#soc-} != null and .soc.id == \"a2\"' >/dev/null"
done

# A second writer on the same state: 75 at once, nothing read.
mkfifo fifo
for s in $STAGES; do
	rm -rf "$SOC_HOME"
	$s fifo >first.out 2>first.err &
	pid=$!
	exec 3>fifo	# the first run now holds the lock and waits on input
	i=0; while [ ! -s "$SOC_HOME/${s#soc-}.db.lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	echo "$A" >one
	check_exit "$s: a second writer exits 75" 75 "$s one >second.out 2>second.err"
	check "$s: it read nothing, wrote nothing" "test ! -s second.out"
	check "$s: the message names the state and the holder" \
		"grep -q 'in use by another run (pid $pid): retry later, or wait for it with --wait SECONDS' second.err"
	if [ "$s" = soc-score ]; then
		check_exit "soc-score --no-learn runs beside a writer" 0 \
			"soc-score --no-learn one >nl.out && test -s nl.out"
	fi
	$s --wait 20 one >waited.out 2>waited.err 3>&- &
	wpid=$!
	sleep 0.3
	echo "$A" >&3
	exec 3>&-
	wait $pid; rc1=$?
	wait $wpid; rc2=$?
	check "$s: the first run ends well" "test $rc1 -eq 0 && test \$(wc -l <first.out) -eq 1"
	check "$s: --wait waits for the lock, then runs" "test $rc2 -eq 0 && test \$(wc -l <waited.out) -eq 1"
done

# kill -9 in the middle of a learning run: the next run uses the state.
rm -rf "$SOC_HOME"
awk -v a="$A" 'BEGIN { for (i = 0; i < 30000; i++) { x = a; sub(/"a1"/, "\"k" i "\"", x); sub(/"h1"/, "\"h" (i % 977) "\"", x); print x } }' >many
soc-score many >/dev/null 2>&1 &
kpid=$!
sleep 0.5
kill -9 $kpid 2>/dev/null
wait $kpid 2>/dev/null
check_exit 'soc-score after kill -9: the next run works' 0 'soc-score one >after.out'
check 'and scores' 'grep -q "\"score\":{" after.out'
done_testing
