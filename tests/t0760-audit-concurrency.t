#!/bin/sh
# Concurrent appenders: exact counts, contiguous seq, no interleaved
# bytes, each writer's order kept, no deadlock when writers are killed
# with SIGKILL; and writers killed at random points while others append:
# every receipt printed is in the log, nothing a killed writer had not
# committed is ever sealed, and the log verifies.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 14

L=$SOC_HOME/audit
soc-audit init >/dev/null || exit 1
# per-writer order and counts, from the log alone (batch headers and
# genesis hold no writer); also checks each header's claim
counts() {
	python3 - "$L/audit.log" <<'PY'
import json, sys, collections
last = collections.defaultdict(lambda: -1)
n = collections.Counter()
claim = 0
for i, l in enumerate(open(sys.argv[1], "rb")):
    e = json.loads(l)
    assert e["seq"] == i, "seq %d at line %d" % (e["seq"], i)
    if e["kind"] == "batch":
        assert claim == 0, "header at %d inside a batch" % i
        claim = e["data"]["lines"]
        continue
    if i > 0:
        assert claim > 0, "entry %d outside any batch" % i
        claim -= 1
    d = e["data"]
    if "w" in d:
        assert d["i"] == last[d["w"]] + 1, "writer %s out of order" % d["w"]
        last[d["w"]] = d["i"]
        n[d["w"]] += 1
assert claim == 0, "the last batch is short by %d" % claim
for w in sorted(n):
    print(w, n[w])
PY
}
# receipts FILE...: every receipt names an entry of the log with that leaf
receipts() {
	python3 - "$L/audit.log" "$@" <<'PY'
import base64, hashlib, json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
n = 0
for f in sys.argv[2:]:
    for r in open(f):
        r = json.loads(r)
        leaf = hashlib.sha256(b"\0" + lines[r["seq"]]).digest()
        assert base64.b64encode(leaf).decode() == r["leaf"], "receipt %r" % r
        n += 1
print(n)
PY
}
gen() { seq 0 $(($2 - 1)) | sed "s/.*/{\"i\":&,\"w\":$1}/"; }

# two writers x 10,000 entries, batches of 20 (1,000 durable commits)
gen 1 10000 >"$T/w1"; gen 2 10000 >"$T/w2"
( timeout 120 soc-audit append --batch 20 <"$T/w1" >"$T/r1" & timeout 120 soc-audit append --batch 20 <"$T/w2" >"$T/r2" & wait )
check 'two writers: both finished' 'test $(wc -l <"$T/r1") = 10000 && test $(wc -l <"$T/r2") = 10000'
check 'two writers: genesis, 20,000 entries and one header per batch of 20' 'test $(wc -l <"$L/audit.log") = 21001 && test $(grep -c "\"kind\":\"batch\"" "$L/audit.log") = 1000'
check 'two writers: seq contiguous, each writer in order, complete' 'counts >"$T/c" && test "$(cat "$T/c")" = "$(printf "1 10000\n2 10000")"'
check 'two writers: every receipt names its entry' 'test "$(receipts "$T/r1" "$T/r2")" = 20000'
check_exit 'two writers: verify 0, checkpoint size 21001' 0 'soc-audit verify >"$T/v" && grep -q "checkpoint size 21001" "$T/v"'

# eight writers x 1,000 (batches of 5), two killed with SIGKILL
pids=
for w in 11 12 13 14 15 16 17 18; do
	gen $w 1000 >"$T/in$w"
	timeout 120 soc-audit append --batch 5 <"$T/in$w" >"$T/out$w" &
	eval "pid$w=\$!"
done
sleep 0.3
kill -9 "$pid13" "$pid16" 2>/dev/null
wait
soc-audit verify >/dev/null 2>&1; rc=$?
check 'eight writers, two killed: verify right after is 0 or 75' 'test $rc = 0 || test $rc = 75'
check_exit '... after one more append: 0' 0 'echo "{}" | soc-audit append >/dev/null 2>&1 && soc-audit verify'
check '... the six survivors finished (no deadlock)' 'for w in 11 12 14 15 17 18; do test $(wc -l <"$T/out$w") = 1000 || exit 1; done'
check '... every survivor entry is in the log, in order' 'counts >"$T/c" && for w in 11 12 14 15 17 18; do grep -qx "$w 1000" "$T/c" || exit 1; done'
check '... the killed writers left a prefix of their entries, in order' 'for w in 13 16; do n=$(grep "^$w " "$T/c" | cut -d" " -f2); test "${n:-0}" -le 1000 || exit 1; done'

# rounds of four writers, one or two killed at a random point in each
# (single durable appends, so kills land in every phase of an append)
i=0
: >"$T/allr"
while [ $i -lt 5 ]; do
	for w in 1 2 3 4; do
		gen $((100 + i * 10 + w)) 150 >"$T/k$w"
		timeout 120 soc-audit append --batch 1 <"$T/k$w" >"$T/kr$i.$w" 2>/dev/null &
		eval "kp$w=\$!"
	done
	sleep 0.$(( $(od -An -N1 -tu1 /dev/urandom) % 9 + 1 ))
	kill -9 "$kp1" 2>/dev/null
	[ $((i % 2)) = 1 ] && kill -9 "$kp3" 2>/dev/null
	wait
	cat "$T"/kr$i.* >>"$T/allr"
	i=$((i + 1))
done
check 'random kills: no writer left behind a state the next append cannot repair' 'echo "{}" | soc-audit append >/dev/null 2>&1 && soc-audit verify >/dev/null'
check 'random kills: every batch holds exactly what its header announces' 'counts >"$T/c"'
check 'random kills: every receipt a writer printed names its entry in the log' 'test "$(receipts "$T/allr")" = $(wc -l <"$T/allr")'
check 'random kills: python agrees' '$PYVERIFY "$L" >/dev/null'
done_testing
