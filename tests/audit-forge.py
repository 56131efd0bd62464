#!/usr/bin/env python3
"""audit-forge.py: what an attacker does to a soc-audit log, for the
attack tests.  Standard library only; signing (when the attacker holds
the key) is done by openssl in tests/audit-lib.sh.

  audit-forge.py edit LOGDIR K          change entry K's data, then recompute
                                        every later seq/prev (no key needed)
  audit-forge.py insert LOGDIR K        insert a forged entry at K, renumber
  audit-forge.py reappend LOGDIR S N    keep S entries, append N forged ones
  audit-forge.py state LOGDIR           rewrite the state cache to match the
                                        (forged) log
  audit-forge.py body LOGDIR            print the checkpoint text this log
                                        would need (origin from checkpoint)
  audit-forge.py noncanon LOGDIR K      re-serialise entry K with spaces and
                                        reversed key order (same content)
"""
import base64
import hashlib
import json
import os
import sys


def leaf(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


class Frontier:
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


def dump(e):
    return json.dumps(e, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def read(d):
    return open(d + "/audit.log", "rb").read().split(b"\n")[:-1]


def renumber(lines, start):
    """Recompute seq and prev of every entry from start on."""
    f = Frontier()
    out = []
    for i, l in enumerate(lines):
        if i >= start:
            e = json.loads(l)
            e["seq"] = i
            e["prev"] = base64.b64encode(f.root()).decode()
            l = dump(e)
        out.append(l)
        f.add(leaf(l))
    return out, f


def write(d, lines):
    with open(d + "/audit.log", "wb") as fh:
        fh.write(b"".join(l + b"\n" for l in lines))


def origin(d):
    return open(d + "/checkpoint", encoding="utf-8").read().split("\n")[0]


def main(a):
    cmd, d = a[1], a[2]
    lines = read(d)
    if cmd == "edit":
        k = int(a[3])
        e = json.loads(lines[k])
        e["data"] = {"forged": True}
        lines[k] = dump(e)
        lines, _ = renumber(lines, k)
        write(d, lines)
    elif cmd == "insert":
        k = int(a[3])
        e = json.loads(lines[k])
        e["data"] = {"inserted": True}
        lines.insert(k, dump(e))
        lines, _ = renumber(lines, k)
        write(d, lines)
    elif cmd == "reappend":
        s, n = int(a[3]), int(a[4])
        lines = lines[:s]
        for i in range(n):
            e = json.loads(lines[-1])
            e["kind"] = "decision"
            e["data"] = {"rewritten": i}
            lines.append(dump(e))
        lines, _ = renumber(lines, s)
        write(d, lines)
    elif cmd == "noncanon":
        k = int(a[3])
        e = json.loads(lines[k])
        items = sorted(e.items(), reverse=True)
        lines[k] = ("{" + ", ".join(json.dumps(kk) + ": " + json.dumps(v, ensure_ascii=False, sort_keys=True)
                                    for kk, v in items) + "}").encode("utf-8")
        lines, _ = renumber(lines, k + 1)
        write(d, lines)
    elif cmd == "state":
        f = Frontier()
        for l in lines:
            f.add(leaf(l))
        st = os.stat(d + "/audit.log")
        with open(d + "/state", "w") as fh:
            fh.write("soc-audit-state 1\nsize %d\noffset %d\ninode %d\n"
                     % (f.size, st.st_size, st.st_ino))
            for h in f.h:
                fh.write(base64.b64encode(h).decode() + "\n")
        return
    elif cmd == "body":
        f = Frontier()
        for l in lines:
            f.add(leaf(l))
        sys.stdout.write("%s\n%d\n%s\n" % (origin(d), f.size,
                                             base64.b64encode(f.root()).decode()))
        return
    else:
        print(__doc__)
        sys.exit(64)


if __name__ == "__main__":
    main(sys.argv)
