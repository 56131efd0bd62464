#!/usr/bin/env python3
"""readme-tutorial.py: the README's tutorial as a script, and its outputs.

    readme-tutorial.py script README OUT.sh     the commands, in order, each
                                                between markers, for sh
    readme-tutorial.py compare README RUN.out   each command's output against
                                                the README's; exit 1 on a
                                                difference, naming it

The tutorial is the section "## Tutorial: ..." up to the next "## ".  In
its indented blocks a command starts with "$ " and goes on while a line
ends with a backslash or a pipe, or a here-document is open; what follows
until the next command is its output.  Step 1's installation commands
(scripts/install-deps, make) are left out.  Compared line by line with
runs of blanks made one, the audit log's origin (the machine's name and a
random key) made "vm-X", the home folder made /root (where the README
was recorded); an expected line "..." stands for the rest of the output.
"""
import re
import sys


def commands(readme):
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"^## Tutorial:.*?$(.*?)^## ", text, re.S | re.M)
    if not m:
        sys.exit("readme-tutorial: no tutorial section in " + readme)
    out, cur, heredoc, cont = [], None, None, False
    for line in m.group(1).split("\n"):
        if not line.startswith("    ") and line.strip():
            cur, cont = None, False
            continue
        body = line[4:]
        if cur is not None and (heredoc or cont):
            cur["cmd"].append(body)
            if heredoc:
                if body == heredoc:
                    heredoc = None
            else:
                cont = body.rstrip().endswith(("\\", "|"))
            if not heredoc and not cont:
                h = re.search(r"<<\s*'?(\w+)'?\s*$", body)
                if h:
                    heredoc = h.group(1)
            continue
        if body.startswith("$ "):
            cur = {"cmd": [body[2:]], "out": []}
            out.append(cur)
            h = re.search(r"<<\s*'?(\w+)'?\s*$", body)
            heredoc = h.group(1) if h else None
            cont = not heredoc and body.rstrip().endswith(("\\", "|"))
        elif cur is not None:
            cur["out"].append(body)
    for c in out:
        while c["out"] and not c["out"][-1].strip():
            c["out"].pop()
    return [c for c in out
            if not re.match(r"(scripts/install-deps|make)\b", c["cmd"][0])]


def norm(line, home):
    if home and home != "/":
        line = line.replace(home, "/root")
    line = re.sub(r"vm-[0-9a-f]{8}(\+[0-9a-f]{8}(\+\S+)?)?", "vm-X", line)
    return " ".join(line.split())


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("script", "compare"):
        sys.exit("usage: readme-tutorial.py script|compare README FILE")
    cmds = commands(sys.argv[2])
    if sys.argv[1] == "script":
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            for i, c in enumerate(cmds):
                f.write("echo '@@cmd %d'\n%s\necho \"@@rc $?\"\n" % (i, "\n".join(c["cmd"])))
        return 0
    import os
    home = os.environ.get("HOME", "")
    runs, cur = {}, None
    for line in open(sys.argv[3], encoding="utf-8").read().split("\n"):
        m = re.match(r"@@cmd (\d+)$", line)
        if m:
            cur = int(m.group(1))
            runs[cur] = {"out": [], "rc": None}
            continue
        m = re.match(r"@@rc (\d+)$", line)
        if m and cur is not None:
            runs[cur]["rc"] = int(m.group(1))
            cur = None
            continue
        if cur is not None:
            runs[cur]["out"].append(line)
    bad = 0
    for i, c in enumerate(cmds):
        r = runs.get(i)
        name = c["cmd"][0][:70]
        if r is None or r["rc"] != 0:
            print("# '%s' exited %s" % (name, r and r["rc"]))
            bad += 1
            continue
        got = [norm(x, home) for x in r["out"]]
        want = [norm(x, "") for x in c["out"]]
        for k, w in enumerate(want):
            if w == "...":
                break
            if k >= len(got) or got[k] != w:
                print("# '%s', line %d:\n#   README: %s\n#   now:    %s"
                      % (name, k + 1, w, got[k] if k < len(got) else "(nothing)"))
                bad += 1
                break
        else:
            if len(got) > len(want):
                print("# '%s': %d more lines than the README shows, the first: %s"
                      % (name, len(got) - len(want), got[len(want)]))
                bad += 1
    print("# %d commands, %d differ" % (len(cmds), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
