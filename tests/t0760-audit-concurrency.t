#!/bin/sh
# Concurrent appenders (attack table #20, #21): exact counts, contiguous
# seq, no interleaved bytes, each writer's order kept, no deadlock when
# writers are killed with SIGKILL.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 9

L=$SOC_HOME/audit
soc-audit init >/dev/null || exit 1
# per-writer order and counts, from the log alone
counts() {
	python3 - "$L/audit.log" <<'PY'
import json, sys, collections
last = collections.defaultdict(lambda: -1)
n = collections.Counter()
for i, l in enumerate(open(sys.argv[1], "rb")):
    e = json.loads(l)
    assert e["seq"] == i, "seq %d at line %d" % (e["seq"], i)
    d = e["data"]
    if "w" in d:
        assert d["i"] == last[d["w"]] + 1, "writer %s out of order" % d["w"]
        last[d["w"]] = d["i"]
        n[d["w"]] += 1
for w in sorted(n):
    print(w, n[w])
PY
}
gen() { seq 0 $(($2 - 1)) | sed "s/.*/{\"i\":&,\"w\":$1}/"; }

# 20: two writers x 10,000 entries, batches of 20 (1,000 durable commits)
gen 1 10000 >"$T/w1"; gen 2 10000 >"$T/w2"
( timeout 120 soc-audit append --batch 20 <"$T/w1" >"$T/r1" & timeout 120 soc-audit append --batch 20 <"$T/w2" >"$T/r2" & wait )
check '#20 both writers finished' 'test $(wc -l <"$T/r1") = 10000 && test $(wc -l <"$T/r2") = 10000'
check '#20 exactly 20,001 lines (genesis + 2 x 10,000)' 'test $(wc -l <"$L/audit.log") = 20001'
check '#20 seq contiguous, each writer in order, complete' 'counts >"$T/c" && test "$(cat "$T/c")" = "$(printf "1 10000\n2 10000")"'
check_exit '#20 verify: 0, checkpoint size 20001' 0 'soc-audit verify >"$T/v" && grep -q "checkpoint size 20001" "$T/v"'

# 21: eight writers x 1,000 (batches of 5), two killed with SIGKILL
before=$(wc -l <"$L/audit.log")
pids=
for w in 11 12 13 14 15 16 17 18; do
	gen $w 1000 >"$T/in$w"
	timeout 120 soc-audit append --batch 5 <"$T/in$w" >"$T/out$w" &
	eval "pid$w=\$!"
done
sleep 0.3
kill -9 "$pid13" "$pid16" 2>/dev/null
wait
check '#21 the six survivors finished (no deadlock)' 'for w in 11 12 14 15 17 18; do test $(wc -l <"$T/out$w") = 1000 || exit 1; done'
check '#21 every survivor entry is in the log, in order' 'counts >"$T/c" && for w in 11 12 14 15 17 18; do grep -qx "$w 1000" "$T/c" || exit 1; done'
check '#21 the killed writers left a prefix of their entries, in order' 'for w in 13 16; do n=$(grep "^$w " "$T/c" | cut -d" " -f2); test "${n:-0}" -le 1000 || exit 1; done'
soc-audit verify >/dev/null 2>&1; rc=$?
check '#21 verify right after: 0 or 75' 'test $rc = 0 || test $rc = 75'
check_exit '#21 after one more append: 0' 0 'echo "{}" | soc-audit append >/dev/null && soc-audit verify'
done_testing
