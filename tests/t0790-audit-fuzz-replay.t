#!/bin/sh
# The audit fuzz targets, replayed over their seed corpus and over a few
# thousand deterministic mutations of it (random truncations, flips,
# spliced lines, 64 KiB+ lines).  The targets abort on a verdict other
# than 0, 1 or 75; a sanitizer report fails the test.
. "$(dirname "$0")/lib.sh"
: "${SOC_BUILD:=$SOC_TOP/build/out}"
plan 4

F=$SOC_BUILD/fuzz
C=$SOC_TOP/fuzz/corpus
check_exit 'fuzz-audit-note replays its corpus' 0 '"$F/fuzz-audit-note" "$C/fuzz-audit-note"'
check_exit 'fuzz-audit-verify replays its corpus' 0 '"$F/fuzz-audit-verify" "$C/fuzz-audit-verify"'
mkdir "$T/mut"
python3 - "$C/fuzz-audit-verify/clean-with-recovery" "$C/fuzz-audit-note/checkpoint" "$T/mut" <<'PY'
import random, sys
rnd = random.Random(4)
seed = open(sys.argv[1], "rb").read()
note = open(sys.argv[2], "rb").read()
out = sys.argv[3]
def put(i, b):
    open("%s/%04d" % (out, i), "wb").write(b)
n = 0
for base in (seed, note):
    for _ in range(600):
        b = bytearray(base)
        op = rnd.randrange(6)
        if op == 0:
            for _ in range(rnd.randrange(1, 4)):
                b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
        elif op == 1:
            b = b[:rnd.randrange(len(b))]
        elif op == 2:
            i = rnd.randrange(len(b)); j = rnd.randrange(len(b))
            b = b[:i] + b[j:j + rnd.randrange(200)] + b[i:]
        elif op == 3:
            i = rnd.randrange(len(b))
            b = b[:i] + b"\n" + b"{\"a\":\"" + b"y" * rnd.choice((100, 65530, 70000)) + b"\"}\n" + b[i:]
        elif op == 4:
            i = rnd.randrange(len(b))
            b[i:i] = bytes([rnd.choice(b"\n\r\"\\{}[],:0\x00\xff\xe2")])
        else:
            b[0:2] = bytes([rnd.randrange(256), rnd.randrange(256)])
        put(n, bytes(b)); n += 1
PY
check_exit 'fuzz-audit-verify survives 1,200 mutations' 0 '"$F/fuzz-audit-verify" "$T/mut"'
check_exit 'fuzz-audit-note survives them too' 0 '"$F/fuzz-audit-note" "$T/mut"'
done_testing
