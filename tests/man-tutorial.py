#!/usr/bin/env python3
"""man-tutorial.py MAN DIR: run the worked example of a manual page.

The example's pieces are literal blocks (.Bd -literal ... .Ed) after a
marker comment:
    .\\" tutorial-file: PATH     the block is written to DIR/PATH
    .\\" tutorial-run            the block is "$ COMMAND" then its output
Each command is run by sh in DIR, in order, and its standard output is
compared with the block's lines; a difference is printed and the exit
status is 1.  The page's escapes (\\e, \\(dq, \\&, \\-) are read as the
characters they print.
"""
import os
import subprocess
import sys


def unescape(line):
    return (line.replace("\\(dq", '"').replace("\\&", "")
            .replace("\\-", "-").replace("\\e", "\\"))


def blocks(man):
    lines = open(man, encoding="utf-8").read().split("\n")
    i, out = 0, []
    while i < len(lines):
        mark = lines[i]
        if mark.startswith('.\\" tutorial-'):
            j = i + 1
            if j >= len(lines) or not lines[j].startswith(".Bd -literal"):
                sys.exit("man-tutorial: no literal block after line %d" % (i + 1))
            body = []
            j += 1
            while j < len(lines) and lines[j] != ".Ed":
                body.append(unescape(lines[j]))
                j += 1
            out.append((mark[len('.\\" tutorial-'):].strip(), body, i + 1))
            i = j
        i += 1
    return out


def main():
    man, d = sys.argv[1], sys.argv[2]
    bad = 0
    found = blocks(man)
    if not found:
        sys.exit("man-tutorial: no tutorial blocks in " + man)
    for kind, body, at in found:
        if kind.startswith("file:"):
            path = os.path.join(d, kind[5:].strip())
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(body) + "\n")
        elif kind == "run":
            if not body or not body[0].startswith("$ "):
                sys.exit("man-tutorial: line %d: a run block starts with '$ '" % at)
            r = subprocess.run(["sh", "-c", body[0][2:]], cwd=d,
                               capture_output=True, text=True)
            got = r.stdout.rstrip("\n").split("\n") if r.stdout else []
            if r.returncode != 0 or got != body[1:]:
                bad = 1
                print("line %d: %s: exit %d" % (at, body[0], r.returncode))
                for g in got:
                    print("got:  " + g)
                for w in body[1:]:
                    print("want: " + w)
                sys.stdout.write(r.stderr)
        else:
            sys.exit("man-tutorial: line %d: unknown marker %r" % (at, kind))
    sys.exit(bad)


main()
