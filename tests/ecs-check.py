#!/usr/bin/env python3
"""ecs-check.py: check records against the ECS field table.

    ecs-check.py TABLE LABEL=RECORDS.ndjson ...

TABLE is tests/data/ecs-fields.tsv (scripts/ecs-table writes it from the
ECS project's generated definitions).  Each RECORDS file holds the records
a stage wrote for the input LABEL names; a problem is reported as
LABEL:LINE: FIELD: reason, LINE being the record's soc.source.line (the
input line the event came from; the record's own line otherwise).

Every field of every record is checked:
  - soc.* is socpipe's own namespace and is not checked here;
  - a field ECS defines must have the JSON type of its ECS type (keyword:
    a string; long: an integer; float: a number; boolean; date: an ISO 8601
    string; ip: an address in its one canonical form, RFC 5952 for IPv6),
    be an array exactly when ECS normalises it to one, and hold one of the
    ECS allowed values where ECS lists them (event.kind, event.category,
    event.type, event.outcome);
  - any other field must be under a vendor namespace: a top-level key that
    is not a name ECS uses for a field set (socpipe-record(7): "a namespace
    is never an ECS field set"), such as okta.*, crowdstrike.*, zeek.*;
  - ecs.version must be present and name the table's ECS release.
Exit status: 0 when every record conforms, 1 otherwise (each problem on
stdout), 2 on bad usage or an unreadable file.
"""
import ipaddress
import json
import re
import sys

STRING_TYPES = {"keyword", "constant_keyword", "wildcard", "match_only_text",
                "text"}
# Types whose value is a JSON object the table does not describe inside.
OPAQUE_TYPES = {"object", "flattened", "geo_point"}  # unless ECS lists members
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?"
                  r"(Z|[+-]\d\d:?\d\d)$")


def load_table(path):
    fields, version = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^# ECS (\S+) field definitions", line)
            if m:
                version = m.group(1)
            if not line or line.startswith("#"):
                continue
            name, typ, arr, allowed = line.split("\t")
            fields[name] = (typ, arr == "array",
                            None if allowed == "-" else set(allowed.split()))
    if version is None:
        raise ValueError("no ECS version in the table's header")
    # Every name ECS gives a field set or an object anywhere in a path
    # (x509, pe, hash, geo, target, ...): never a vendor namespace.
    ecs_names = set()
    for name in fields:
        parts = name.split(".")
        ecs_names.update(parts[:-1])
        if fields[name][0] in OPAQUE_TYPES | {"nested"}:
            ecs_names.add(parts[-1])
    ecs_names.update(n for n in fields if "." not in n)
    return fields, ecs_names, version


class Checker:
    def __init__(self, fields, ecs_names, version):
        self.fields, self.ecs_names = fields, ecs_names
        # A development snapshot (8.12.0-dev) describes its release.
        self.version = re.sub(r"-dev$", "", version)
        # Fields with fields of their own below them (dns.answers).
        self.parents = {n.rsplit(".", 1)[0] for n in fields if "." in n}
        self.problems = 0

    def report(self, where, field, reason):
        self.problems += 1
        print("%s: %s: %s" % (where, field, reason))

    def scalar(self, where, path, typ, allowed, v):
        if v is None:
            return
        ok = True
        if typ in STRING_TYPES:
            ok = isinstance(v, str)
        elif typ == "long":
            ok = isinstance(v, int) and not isinstance(v, bool)
        elif typ in ("float", "scaled_float", "double", "half_float"):
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        elif typ == "boolean":
            ok = isinstance(v, bool)
        elif typ == "date":
            ok = isinstance(v, str) and DATE.match(v) is not None
        elif typ == "ip":
            ok = isinstance(v, str)
            if ok:
                try:
                    canon = str(ipaddress.ip_address(v))
                except ValueError:
                    self.report(where, path, "%s is not an IP address"
                                % json.dumps(v))
                    return
                if canon != v:
                    self.report(where, path, "%s is not in canonical form "
                                "(RFC 5952: %s)" % (json.dumps(v), canon))
                    return
        if not ok:
            self.report(where, path, "%s is not a valid %s"
                        % (json.dumps(v)[:80], typ))
        elif allowed is not None and v not in allowed:
            self.report(where, path, "%s is not an ECS allowed value"
                        % json.dumps(v))

    def walk(self, where, path, v):
        if path == "soc":
            return
        spec = self.fields.get(path)
        if spec is not None:
            typ, is_array, allowed = spec
            if isinstance(v, list):
                if not is_array and typ != "nested":
                    self.report(where, path, "is an array; ECS keeps one "
                                "value here (%s)" % typ)
                items = v
            else:
                if is_array and v is not None:
                    self.report(where, path, "is not an array; ECS "
                                "normalises it to one")
                items = [v]
            for x in items:
                if typ in ("object", "nested") and path in self.parents:
                    if not isinstance(x, dict):
                        self.report(where, path, "is not an object (%s)"
                                    % typ)
                        continue
                    for k, y in x.items():
                        self.walk(where, path + "." + k, y)
                    continue
                if typ in OPAQUE_TYPES | {"nested"}:
                    continue
                self.scalar(where, path, typ, allowed, x)
            return
        if isinstance(v, dict):
            for k, y in v.items():
                self.walk(where, path + "." + k if path else k, y)
            return
        if isinstance(v, list) and any(isinstance(x, dict) for x in v):
            for x in v:
                if isinstance(x, dict):
                    for k, y in x.items():
                        self.walk(where, path + "." + k, y)
            return
        top = path.split(".")[0]
        if top in self.ecs_names:
            self.report(where, path, "is not an ECS field and not under a "
                        "vendor namespace")

    def record(self, where, rec):
        if not isinstance(rec, dict):
            self.report(where, "(record)", "not a JSON object")
            return
        ver = rec.get("ecs", {}).get("version") \
            if isinstance(rec.get("ecs"), dict) else rec.get("ecs.version")
        if ver != self.version:
            self.report(where, "ecs.version", "is %s, not \"%s\""
                        % (json.dumps(ver), self.version))
        for k, v in rec.items():
            self.walk(where, k, v)


def main(argv):
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        c = Checker(*load_table(argv[1]))
    except (OSError, ValueError) as e:
        print("ecs-check: %s: %s" % (argv[1], e), file=sys.stderr)
        return 2
    for arg in argv[2:]:
        label, _, path = arg.rpartition("=")
        label = label or path
        try:
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        c.report("%s:%d" % (label, n), "(record)",
                                 "not JSON")
                        continue
                    src = rec.get("soc", {}).get("source", {}) \
                        if isinstance(rec, dict) else {}
                    ln = src.get("line", n) if isinstance(src, dict) else n
                    c.record("%s:%s" % (label, ln), rec)
        except OSError as e:
            print("ecs-check: %s: %s" % (path, e), file=sys.stderr)
            return 2
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
