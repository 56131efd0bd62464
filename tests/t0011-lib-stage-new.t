#!/bin/sh
# The stage loop's rules in the three stages after soc-score
# (soc-correlate, soc-decide, soc-act), as t0010 checks them in the first
# two: records without soc.kind or whose soc is not an object are rejects
# naming the reason; every line ends as a record or a reject; with two soc
# objects the last one is read and written; a second writer on the same
# state exits 75 having read nothing, or waits with --wait; a run killed
# with -9 leaves state the next run uses.
. "$(dirname "$0")/lib.sh"
STAGES="soc-correlate soc-decide soc-act"
plan 32
export SOC_NOW=2026-11-22T12:00:00Z

# One alert, then the malformed records and duplicate keys every stage
# meets (tests/fixtures/stage/mixed.ndjson): 8 lines and a blank one.
cp "$FIX/stage/mixed.ndjson" mixed
A=$(head -n 1 mixed)

for s in $STAGES; do
	rm -rf "$SOC_HOME"
	check_exit "$s: mixed input: 65" 65 \
		"$s --stats --rejects rej.$s mixed >out.$s 2>err.$s"
	check "$s: the three malformed records and the bad line are rejects with reasons" \
		"grep -q '^$s: mixed:2: no soc.kind: not a socpipe record (normalise raw events with soc-ingest first)\$' err.$s &&
		 grep -q '^$s: mixed:3: soc is not an object\$' err.$s &&
		 grep -q '^$s: mixed:4: soc.kind is not a string\$' err.$s &&
		 grep -q '^$s: mixed:6: invalid JSON' err.$s"
	check "$s: records out + rejects = lines in" \
		"test \$(grep -c '^{\"soc\":{\"kind\":\"incident\",\"id\":\"[0-9a-f]\\{32\\}\"' out.$s) -eq 0 &&
		 n=\$(grep -c '' out.$s) && r=\$(grep -c '' rej.$s) &&
		 e=\$(sed -n 's/.* \\([0-9]*\\) emitted.*/\\1/p' err.$s) &&
		 test \$((n - e + r)) -eq 8"
	check "$s: another kind passes byte for byte" \
		"grep -qx '{\"soc\":{\"kind\":\"weather\",\"x\":0.10}}' out.$s"
done

# Two soc objects: each stage reads the last one.
check "soc-correlate: the alert in the last soc is grouped, soc.incident written into it" \
	"grep -q '^{\"soc\":{\"kind\":\"incident\",\"id\":\"i1\"},\"soc\":{\"kind\":\"alert\",\"id\":\"a2\",\"incident\":{\"id\":\"[0-9a-f]*\",\"version\":1}},\"host\":{\"name\":\"h2\"}}\$' out.soc-correlate"
check "soc-correlate: the alert behind a first soc of another kind opens an incident" \
	"test \$(grep -c '\"kind\":\"incident\",\"id\":\"[0-9a-f]\\{32\\}\"' out.soc-correlate) -eq 2"
check "soc-decide: a last soc of kind alert is passed through" \
	"grep -qx '{\"soc\":{\"kind\":\"incident\",\"id\":\"i1\"},\"soc\":{\"kind\":\"alert\",\"id\":\"a2\"},\"host\":{\"name\":\"h2\"}}' out.soc-decide"
check "soc-act: a last soc of kind decision is read (and has no plan: a reject)" \
	"grep -q '^soc-act: mixed:8: decision record without a soc.decision object\$' err.soc-act &&
	 ! grep -q 'kind\":\"decision\",\"id\":\"d1\"' out.soc-act"
sed 's/^{/{"soc":{"kind":"alert","id":"decoy"},/' "$SOC_TOP/tests/fixtures/decide/incidents.ndjson" | head -1 >decoy
rm -rf "$SOC_HOME"
check_exit "soc-decide: an incident behind a first soc of kind alert: 0" 0 "soc-decide decoy >decoy.out 2>decoy.err"
check "soc-decide: and it is planned for" \
	"jq -r .soc.kind decoy.out >kinds && printf 'incident\\ndecision\\n' | cmp -s - kinds"

# A second writer on the same state: 75 at once, nothing read; --wait waits.
mkfifo fifo
echo "$A" >one
for s in $STAGES; do
	rm -rf "$SOC_HOME"
	$s fifo >first.out 2>first.err &
	pid=$!
	exec 3>fifo	# the first run now holds the lock and waits on input
	db=${s#soc-}.db
	i=0; while [ ! -s "$SOC_HOME/$db.lock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	check_exit "$s: a second writer exits 75" 75 "$s one >second.out 2>second.err"
	check "$s: it read nothing, wrote nothing, and names the holder" \
		"test ! -s second.out && grep -q \"'$SOC_HOME/$db' is in use by another run (pid $pid): retry later, or wait for it with --wait SECONDS\" second.err"
	$s --wait 20 one >waited.out 2>waited.err 3>&- &
	wpid=$!
	sleep 0.3
	exec 3>&-
	wait $pid; rc1=$?
	wait $wpid; rc2=$?
	check "$s: the first run ends well" "test $rc1 -eq 0"
	check "$s: --wait waits for the lock, then runs" "test $rc2 -eq 0 && test -s waited.out"
done

# kill -9 in the middle of a run: the next run uses the state.
awk -v a="$A" 'BEGIN { for (i = 0; i < 20000; i++) { x = a; sub(/"a1"/, "\"k" i "\"", x); sub(/"h1"/, "\"h" (i % 977) "\"", x); print x } }' >many
rm -rf "$SOC_HOME"
soc-correlate many >/dev/null 2>&1 &
kpid=$!
sleep 0.5
kill -9 $kpid 2>/dev/null
wait $kpid 2>/dev/null
check_exit 'soc-correlate after kill -9: the next run works' 0 'soc-correlate one >after.out'
check 'and groups the alert' 'grep -q "\"incident\":{\"id\":" after.out'
done_testing
