#!/usr/bin/env python3
"""audit-forge.py: what an attacker does to a soc-audit log, for the
attack tests.  Standard library only; signing (when the attacker holds
the key) is done by openssl in tests/audit-lib.sh.

  audit-forge.py edit LOGDIR K          change entry K's data, then recompute
                                        every later seq/prev (no key needed)
  audit-forge.py insert LOGDIR K        insert a forged entry at K, renumber
  audit-forge.py reappend LOGDIR S N    keep S entries, append N forged ones
  audit-forge.py append LOGDIR KIND N   append N well-formed entries of KIND
                                        after the last line (right seq and
                                        prev, no key: the write-access attacker)
  audit-forge.py fakebatch LOGDIR N     append a batch header claiming N
                                        lines whose signature is another
                                        header's (no key), then N entries
  audit-forge.py state LOGDIR           rewrite the state cache to match the
                                        (forged) log
  audit-forge.py body LOGDIR            print the checkpoint text this log
                                        would need (origin from checkpoint)
  audit-forge.py noncanon LOGDIR K      re-serialise entry K with spaces and
                                        reversed key order (same content)
"""
import base64
import hashlib
import importlib.util
import json
import os
import sys


# the tree (leaf, node, Frontier) from the independent verifier beside us
_spec = importlib.util.spec_from_file_location(
    "audit_verify", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "audit-verify.py"))
_av = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_av)
leaf, node, Frontier = _av.leaf, _av.node, _av.Frontier


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
    elif cmd in ("append", "fakebatch"):
        s = len(lines)
        tmpl = json.loads(lines[-1])
        if cmd == "fakebatch":
            n = int(a[3])
            hdr = [json.loads(l) for l in lines if b'"kind":"batch"' in l]
            h = dict(tmpl)
            h["kind"] = "batch"
            h["data"] = {"lines": n, "sig": hdr[-1]["data"]["sig"]}
            lines.append(dump(h))
            kind = "approval"
        else:
            kind, n = a[3], int(a[4])
        for i in range(n):
            e = dict(tmpl)
            e["kind"] = kind
            e["data"] = {"forged": i}
            if kind == "key_rotation":
                # a well-formed rotation to the attacker's own key
                name = origin(d)
                pk = os.urandom(32)
                kid = hashlib.sha256(name.encode() + b"\n\x01" + pk).digest()[:4]
                g = json.loads(lines[0])["data"]["vkey"]
                e["data"] = {"new_vkey": "%s+%s+%s" % (name, kid.hex(),
                             base64.b64encode(b"\x01" + pk).decode()),
                             "old_vkey": g, "reason": "scheduled"}
            lines.append(dump(e))
        lines, _ = renumber(lines, s)
        with open(d + "/audit.log", "ab") as fh:   # append only, as +a allows
            fh.write(b"".join(l + b"\n" for l in lines[s:]))
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
