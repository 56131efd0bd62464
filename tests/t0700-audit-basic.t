#!/bin/sh
# soc-audit: the no-flags path, every verb once, exit codes, help, modes.
. "$(dirname "$0")/lib.sh"
plan 41

A=soc-audit
L=$SOC_HOME/audit
check_exit 'verify with no log: 64 (no vkey yet)' 64 "$A verify"
check_exit 'verify --vkey with no log: 66' 66 "echo 'x+00000000+AAAA' >/dev/null; $A keygen --origin soc.test/other --out other >/dev/null && $A verify --vkey other.vkey"
check_exit 'append with no log: 66' 66 "echo '{\"a\":1}' | $A append"
check 'init with no flags' "$A init >init.out"
check 'init printed the log and the vkey' "grep -q '^log $L\$' init.out && grep -q '^vkey ' init.out"
check_exit 'init twice refused: 64' 64 "$A init"
check 'append, then verify, no flags' "echo '{\"a\":1}' | $A append >r1 && $A verify >v1"
check 'receipt names seq 2 (the batch header is 1) and a leaf' "grep -q '^{\"leaf\":\"[A-Za-z0-9+/]*=\",\"seq\":2}\$' r1"
check 'verify says verified' "grep -q '^verified: 3 entries, checkpoint size 3' v1"
check 'verify names the key it trusted (name+key id of the vkey)' "grep -qx \"trusted key: \$(cut -d+ -f1,2 $SOC_HOME/keys/audit.vkey)\" v1"
check 'each append batch starts with a header signed by the key' "sed -n 2p $L/audit.log | grep -q '\"data\":{\"lines\":1,\"sig\":\"[A-Za-z0-9+/]*=*\"},\"kind\":\"batch\"'"
check 'key file is 0600, key dir 0700' "test \"\$(stat -c %a $SOC_HOME/keys/audit.key)\" = 600 && test \"\$(stat -c %a $SOC_HOME/keys)\" = 700"
check 'log dir is 0700' "test \"\$(stat -c %a $L)\" = 700"
check 'every file the audit code creates is 0600, even under umask 000' '
	(umask 000; soc-audit --state $T/um init >/dev/null &&
	 echo "{}" | soc-audit --state $T/um append >/dev/null &&
	 soc-audit --state $T/um verify --pin $T/um/pin >/dev/null) || exit 1
	for f in $T/um/audit/* $T/um/keys/* $T/um/pin; do
		test "$(stat -c %a "$f")" = 600 || { echo "$f: $(stat -c %a "$f")"; exit 1; }
	done'
check 'no secret ever printed' "! grep -q PRIVATE init.out r1 v1"
printf '{"n":1}\n{"n":2}\n{"kind":"decision","data":{"alert":"A-7"}}\n' >in.ndjson
check 'append three lines' "$A append <in.ndjson >r2"
check 'three receipts, seq 4..6 after their header' "test \$(wc -l <r2) = 3 && grep -q '\"seq\":4}' r2 && grep -q '\"seq\":6}' r2"
check 'entry kinds: evidence by default, decision when given' "$A show --kind decision >d.out && test \$(wc -l <d.out) = 1 && grep -q '\"alert\":\"A-7\"' d.out && test \$($A show --kind evidence | wc -l) = 3"
check 'append --kind approval' "echo '{\"who\":\"bob\"}' | $A append --kind approval >/dev/null && $A show --from 8 | grep -q '\"kind\":\"approval\"'"
check 'show --from --to --grep' "$A show --from 1 --to 2 >s.out && test \$(wc -l <s.out) = 2 && $A show --grep A-7 | grep -q '\"seq\":6'"
check 'every line is canonical, seq 0 is genesis' "head -n1 $L/audit.log | grep -q '\"kind\":\"genesis\"'"
check 'verify --json' "$A verify --json >j.out"
check 'json report fields' "grep -q '\"result\":\"ok\"' j.out && grep -q '\"log_entries\":9' j.out && grep -q '\"first_bad_seq\":null' j.out"
# {"kind","data"} lines, data in any key order and spacing, take a fast
# path that must write exactly what the general path writes
python3 - "$T/req" "$T/want" <<'PY'
import json, random, sys
r = random.Random(7)
def val(d):
    c = r.random()
    if d < 4 and c < 0.2:
        return {r.choice("abcdefgh_xyz") * r.randint(1, 3): val(d + 1) for _ in range(r.randint(0, 5))}
    if d < 4 and c < 0.35:
        return [val(d + 1) for _ in range(r.randint(0, 4))]
    if c < 0.55:
        return r.randint(-2**53 + 1, 2**53 - 1)
    if c < 0.6:
        return r.choice([True, False, None])
    return "".join(r.choice(["a", "Z", " ", "\"", "\\", "\n", "\t", "\u00e9", "\u20ac", "/", "x"]) for _ in range(r.randint(0, 8)))
def dump(v):
    sp = r.choice(["", " "])
    if isinstance(v, dict):
        items = list(v.items()); r.shuffle(items)
        return "{" + ("," + sp).join(json.dumps(k) + ":" + sp + dump(x) for k, x in items) + "}"
    if isinstance(v, list):
        return "[" + ("," + sp).join(dump(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=r.random() < 0.2)
with open(sys.argv[1], "w") as q, open(sys.argv[2], "w") as w:
    for i in range(400):
        d = {"n": i, "v": val(0)}
        q.write(r.choice(['{"kind":"t","data":%s}', '{"data":%s,"kind":"t"}', '{ "data" : %s , "kind" : "t" }']) % dump(d) + "\n")
        w.write(json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
check 'request lines in any order and spacing: 400 entries appended' '
	soc-audit --state $T/fp init >/dev/null && soc-audit --state $T/fp append <$T/req >$T/fp.r && test $(wc -l <$T/fp.r) = 400'
check '... each data byte for byte the canonical form, verify --strict 0' '
	soc-audit --state $T/fp show --kind t |
	    sed "s/^{\"actor\":{[^}]*},\"data\"://; s/,\"kind\":\"t\",\"prev\".*//" >$T/got &&
	cmp $T/got $T/want && soc-audit --state $T/fp verify --strict >/dev/null'
# bad input lines are rejected, the rest appended (exit 65)
printf '{"ok":1}\n{"r":0.5}\nnot json\n{"ok":2}\n' >mixed.ndjson
check_exit 'rejects: a real and a non-JSON line, exit 65' 65 "$A append <mixed.ndjson >r3 2>e3"
check 'the two good lines were appended' "test \$(wc -l <r3) = 2 && grep -q 'real number' e3"
check 'still verifies' "$A verify"
# an entry the library refuses (a reserved kind) is named by its line,
# as the others are (it was line 0)
printf '{"ok":1}\n{"kind":"batch","data":{}}\nnot json\n{"kind":"key_rotation","data":{}}\n' >kinds.ndjson
check_exit 'reserved kinds: rejects, exit 65' 65 \
	"$A --state \$T/kinds init >/dev/null && $A --state \$T/kinds append --rejects kinds.rej <kinds.ndjson >r4 2>e4"
check 'each named by its line' \
	"test \$(wc -l <r4) = 1 && grep -q '^soc-audit: -:2: bad or reserved entry kind .batch.\$' e4 &&
	 grep -q '^soc-audit: -:4: bad or reserved entry kind .key_rotation.\$' e4 &&
	 test \"\$(jq -c .soc.reject.line kinds.rej | sort | tr '\\n' ' ')\" = '2 3 4 '"
# proofs
check 'prove --index 3' "$A prove --index 3 >p3 && head -n1 p3 | grep -qx 'c2sp.org/tlog-proof@v1'"
check 'verify-proof accepts it' "$A verify-proof p3"
check_exit 'verify-proof rejects a changed entry' 1 "sed 's/^extra e/extra f/' p3 >p3x && $A verify-proof p3x"
check_exit 'prove beyond the checkpoint: 64' 64 "$A prove --index 999"
check 'consistency --old 2' "$A consistency --old 2 >c2 && head -n1 c2 | grep -qx 'old 2'"
# usage
check_exit 'unknown verb: 64' 64 "$A frobnicate"
check_exit 'unknown option: 64' 64 "$A verify --frob"
check_exit 'no verb: 64' 64 "$A"
check '--help lists every verb' "$A --help >h.out && for v in init keygen append verify show prove consistency rotate-key; do grep -q \"soc-audit \$v\" h.out || exit 1; done"
check '--state DIR works like SOC_HOME' "$A --state \$T/other init >/dev/null && echo '{}' | $A --state \$T/other append >/dev/null && $A --state \$T/other verify >/dev/null && test -f \$T/other/audit/audit.log"
check 'logs of 0..5, 8 and 1000 entries verify (ours and python)' '
	for n in 0 1 2 3 4 5 8 1000; do
		s=$T/n$n; soc-audit --state $s init >/dev/null || exit 1
		[ $n = 0 ] || seq $n | sed "s/.*/{\"n\":&}/" | soc-audit --state $s append >/dev/null || exit 1
		soc-audit --state $s verify >/dev/null || exit 1
		python3 "$SOC_TOP/tests/audit-verify.py" $s/audit >/dev/null || exit 1
	done'
done_testing
