#!/usr/bin/env python3
"""gen-enrich-bench.py DIR N: the data of scripts/bench-enrich.

DIR/intel.txt (1,000,000 indicators of mixed types), assets.csv,
identities.csv, zones.csv, alerts.ndjson (N ECS alerts, 1% matching an
indicator) and remote.ndjson (10,000 alerts over 1,000 addresses and 1,000
domains).  Deterministic (seeded).
"""
import random
import sys

d, n = sys.argv[1], int(sys.argv[2])
r = random.Random(42)
HEX = "0123456789abcdef"


def h(k):
    return "".join(r.choice(HEX) for _ in range(k))


def ip():
    return "%d.%d.%d.%d" % (r.randint(11, 222), r.randint(0, 255),
                            r.randint(0, 255), r.randint(1, 254))


known = []
with open(d + "/intel.txt", "w") as f:
    for i in range(1000000):
        k = i % 20
        if k < 7:
            v = ip()
            if len(known) < 1000:
                known.append(v)
        elif k < 9:
            v = "%d.%d.%d.0/%d" % (r.randint(11, 222), r.randint(0, 255),
                                   r.randint(0, 255), r.choice((20, 22, 24, 24, 24, 28)))
        elif k < 10:
            v = "2001:db8:%x:%x::/64" % (r.randint(0, 65535), r.randint(0, 65535))
        elif k < 14:
            v = "d%s.example%d.com" % (h(8), r.randint(0, 99))
        elif k < 16:
            v = "http://u%s.example.net/%s" % (h(6), h(10))
        elif k < 18:
            v = h(64)
        elif k < 19:
            v = h(32)
        else:
            v = "x%s@mail%d.example.org" % (h(6), r.randint(0, 99))
        f.write(v + "\n")
with open(d + "/assets.csv", "w") as f:
    f.write("host,ip,criticality,owner,tags\n")
    for i in range(5000):
        f.write("ws-%d,10.%d.%d.%d,%d,team-%d,workstation\n" % (
            i, i // 65536, (i // 256) % 256, i % 256 or 1, r.randint(0, 100), i % 20))
with open(d + "/identities.csv", "w") as f:
    f.write("user,privileged,department,mfa\n")
    for i in range(5000):
        f.write("user%d,%s,dept-%d,%s\n" % (
            i, "true" if i % 50 == 0 else "false", i % 30, "true" if i % 3 else "false"))
with open(d + "/zones.csv", "w") as f:
    f.write("cidr,zone\n10.0.0.0/8,internal\n10.200.0.0/16,dmz\n172.16.0.0/12,vpn\n")

hashes = [h(64) for _ in range(5000)]


def alert(i, dst, dom):
    src = "10.%d.%d.%d" % (i % 20, (i // 7) % 256, i % 250 + 1)
    u = "user%d" % (i % 6000)
    fh = hashes[i % 5000]
    return ('{"@timestamp":"2026-11-22T10:%02d:%02d.000Z","message":"bench alert %d",'
            '"event":{"kind":"alert","category":["network"],"dataset":"suricata.eve","severity":2},'
            '"rule":{"id":"2019401","name":"ET POLICY bench"},'
            '"source":{"ip":"%s","port":%d},"destination":{"ip":"%s","port":443,"domain":"%s"},'
            '"host":{"name":"ws-%d"},"user":{"name":"%s","domain":"CORP"},'
            '"url":{"original":"http://%s/index.html"},"file":{"hash":{"sha256":"%s"}},'
            '"related":{"ip":["%s","%s"],"user":["%s"],"hosts":["ws-%d","%s"],"hash":["%s"]},'
            '"soc":{"kind":"alert","id":"%032x","severity":40}}\n') % (
        (i // 60) % 60, i % 60, i, src, 1024 + i % 60000, dst, dom, i % 6000, u, dom,
        fh, src, dst, u, i % 6000, dom, fh, i)


with open(d + "/alerts.ndjson", "w") as f:
    for i in range(n):
        dst = known[i % 1000] if i % 100 == 0 else ip()
        f.write(alert(i, dst, "www.d%s.example%d.com" % (h(8), r.randint(0, 99))))
pool = [ip() for _ in range(1000)]
doms = ["d%d.bench.example" % i for i in range(1000)]
with open(d + "/remote.ndjson", "w") as f:
    for i in range(10000):
        f.write(alert(i, pool[i % 1000] if i < 1000 else pool[r.randrange(1000)],
                      doms[i % 1000] if i < 1000 else doms[r.randrange(1000)]))
