#!/usr/bin/env python3
"""audit-verify.py: an independent verifier of a soc-audit log, written
from the format description only (man/soc-audit.1, RFC 9162), with the
Python standard library.  It recomputes every leaf hash, checks every
seq and prev, recomputes the tree head and compares it with the
checkpoint body.  Signatures are for openssl (see tests/t0740*), since
the standard library has no Ed25519.

  audit-verify.py LOGDIR                 check the log against its checkpoint
  audit-verify.py --proof FILE           check a c2sp.org/tlog-proof@v1 file
  audit-verify.py --consistency FILE --old-root B64
                                         check an "old M" consistency proof
  audit-verify.py --keyid VKEY           print the key id computed from a vkey
  audit-verify.py --batch-sig LOGDIR SEQ TEXT SIG
                                         write the text the batch header at
                                         SEQ signs, and its 64-byte Ed25519
                                         signature, for openssl to check

Exit 0 when everything holds, 1 otherwise (with the reason on stdout).
"""
import base64
import hashlib
import json
import sys


def leaf(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


class Frontier:
    """The roots of the perfect subtrees so far: the tree head of a prefix
    in O(log n), so checking every prev is not quadratic."""

    def __init__(self):
        self.size = 0
        self.h = []

    def add(self, lf):
        cur, s = lf, self.size
        while s & 1:
            cur = node(self.h.pop(), cur)
            s >>= 1
        self.h.append(cur)
        self.size += 1

    def root(self):
        if not self.h:
            return hashlib.sha256(b"").digest()
        acc = self.h[-1]
        for x in reversed(self.h[:-1]):
            acc = node(x, acc)
        return acc


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def b64(s):
    raw = base64.b64decode(s, validate=True)
    if base64.b64encode(raw).decode() != s:
        raise ValueError("non-canonical base64")
    return raw


def checkpoint_body(path):
    data = open(path, "rb").read().decode("utf-8")
    text = data[: data.rindex("\n\n") + 1]
    origin, size, root = text.split("\n")[:3]
    if text != "%s\n%s\n%s\n" % (origin, size, root):
        fail("checkpoint body has extra lines")
    if size != str(int(size)):
        fail("checkpoint size not canonical")
    return origin, int(size), b64(root)


def verify_log(d):
    origin, size, root = checkpoint_body(d + "/checkpoint")
    raw = open(d + "/audit.log", "rb").read()
    parts = raw.split(b"\n")
    if parts[-1] != b"":
        fail("log ends in a torn write")
    lines = parts[:-1]
    leaves = []
    # the prefix roots, incrementally (a frontier, like the appender)
    fr = Frontier()
    torn = []
    noncanon = 0
    for i, l in enumerate(lines):
        try:
            e = json.loads(l.decode("utf-8"))
        except ValueError:
            torn.append({"seq": i, "bytes": len(l),
                         "sha256": hashlib.sha256(l).hexdigest()})
            leaves.append(leaf(l))
            fr.add(leaves[-1])
            continue
        if e.get("seq") != i:
            fail("seq %d: seq is %r" % (i, e.get("seq")))
        if b64(e["prev"]) != fr.root():
            fail("seq %d: prev mismatch" % i)
        if torn:
            if e.get("kind") != "recovery" or e["data"].get("torn") != torn:
                fail("seq %d: torn line not recovered" % torn[0]["seq"])
            torn = []
        if i == 0 and (e.get("kind") != "genesis" or e["data"]["origin"] != origin):
            fail("seq 0 is not the genesis of %s" % origin)
        canon = json.dumps(e, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode("utf-8")
        if canon != l:
            noncanon += 1
        leaves.append(leaf(l))
        fr.add(leaves[-1])
    if torn and torn[0]["seq"] < size:
        fail("seq %d: not JSON" % torn[0]["seq"])
    if len(leaves) < size:
        fail("truncated: %d entries, checkpoint %d" % (len(leaves), size))
    # past the checkpoint only an interrupted append may lie: one or more
    # batches, each a header (its signature is for openssl: see
    # --batch-sig) and at most the lines it announces
    at = size
    while at < len(lines):
        try:
            h = json.loads(lines[at])
            claim = h["data"]["lines"] if h.get("kind") == "batch" else -1
        except (ValueError, KeyError, TypeError):
            claim = -1
        if claim < 0 and at == size:
            fail("seq %d: past the checkpoint without a batch header" % size)
        if claim < 0:
            fail("seq %d: past the %d lines of its batch header"
                 % (at, last))
        last = claim
        at += 1 + claim
    if mth(leaves[:size]) != root:
        fail("tree head of %d entries differs from the checkpoint" % size)
    print("ok %d %s%s" % (size, base64.b64encode(root).decode(),
                          " noncanonical=%d" % noncanon if noncanon else ""))


def batch_sig(d, seq, textf, sigf):
    """The batch header format (soc-audit(1)): the signature covers
    "soc-audit/batch/v1", origin, seq, prev and the number of lines, each
    followed by LF; sig is base64(key id || Ed25519 signature)."""
    origin = checkpoint_body(d + "/checkpoint")[0]
    line = open(d + "/audit.log", "rb").read().split(b"\n")[seq]
    e = json.loads(line)
    if e["kind"] != "batch" or e["seq"] != seq:
        fail("seq %d is not a batch header" % seq)
    text = "soc-audit/batch/v1\n%s\n%d\n%s\n%d\n" % (
        origin, e["seq"], e["prev"], e["data"]["lines"])
    open(textf, "w").write(text)
    open(sigf, "wb").write(b64(e["data"]["sig"])[4:])
    print(b64(e["data"]["sig"])[:4].hex())


def note_split(text):
    i = text.rindex("\n\n")
    return text[: i + 1], text[i + 2:]


def verify_inclusion(index, size, h, proof, root):
    # RFC 9162 2.1.3.2
    if index >= size:
        return False
    fn, sn, r = index, size - 1, h
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, r1, r2, proof):
    # RFC 9162 2.1.4.2
    if m > n:
        return False
    if m == n:
        return not proof and r1 == r2
    if m == 0:
        return not proof
    if not proof:
        return False
    if m & (m - 1) == 0:
        proof = [r1] + proof
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == r1 and sr == r2


def ckpt_from_text(note):
    text, _ = note_split(note)
    origin, size, root = text.split("\n")[:3]
    return origin, int(size), b64(root)


def verify_proof(path):
    data = open(path).read()
    head, rest = data.split("\n\n", 1)
    lines = head.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        fail("not a tlog-proof")
    extra = b64(lines[1][6:]) if lines[1].startswith("extra ") else None
    k = 2 if extra is not None else 1
    if not lines[k].startswith("index "):
        fail("no index")
    index = int(lines[k][6:])
    proof = [b64(x) for x in lines[k + 1:]]
    origin, size, root = ckpt_from_text(rest)
    if not verify_inclusion(index, size, leaf(extra), proof, root):
        fail("inclusion proof does not hold")
    print("ok inclusion %d %d" % (index, size))


def verify_cons(path, oldroot):
    data = open(path).read()
    head, rest = data.split("\n\n", 1)
    lines = head.split("\n")
    if not lines[0].startswith("old "):
        fail("not a consistency proof")
    m = int(lines[0][4:])
    proof = [b64(x) for x in lines[1:] if x]
    origin, n, root = ckpt_from_text(rest)
    if not verify_consistency(m, n, b64(oldroot), root, proof):
        fail("consistency proof does not hold")
    print("ok consistency %d %d" % (m, n))


def keyid(vkey):
    name, kid, key = vkey.split("+", 2)
    pk = b64(key)
    if pk[0] != 1 or len(pk) != 33:
        fail("not an Ed25519 vkey")
    h = hashlib.sha256(name.encode() + b"\n\x01" + pk[1:]).hexdigest()[:8]
    print(h)
    sys.exit(0 if h == kid else 1)


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("--"):
        verify_log(argv[1])
    elif len(argv) == 3 and argv[1] == "--proof":
        verify_proof(argv[2])
    elif len(argv) == 5 and argv[1] == "--consistency" and argv[3] == "--old-root":
        verify_cons(argv[2], argv[4])
    elif len(argv) == 3 and argv[1] == "--keyid":
        keyid(argv[2])
    elif len(argv) == 6 and argv[1] == "--batch-sig":
        batch_sig(argv[2], int(argv[3]), argv[4], argv[5])
    else:
        print(__doc__)
        sys.exit(64)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError) as e:
        fail("malformed input: %s" % e)
