#!/usr/bin/env python3
"""Products' event APIs on 127.0.0.1, paging as each documents, for soc-pull.

    pullsrv.py PORTFILE [--lifetime SECONDS] [--script FILE]

Binds an ephemeral port on 127.0.0.1 and writes it to PORTFILE.  Each
source holds events made from the first event of its fixture in
tests/fixtures/ingest (ids and times changed): two events per second, so
a page often ends inside a second.  Only the first VISIBLE events of a
source are served; POST /ctl/SOURCE/N makes N visible (events arriving
between runs).  Sources, under a path prefix each:

  /okta    GET /api/v1/logs (SSWS token; since, sortOrder=ASCENDING,
           limit; after=) with a Link rel="next" on every page, Okta's
           polling;
  /graph   signIns (newest first, as Graph answers), directoryAudits,
           security/alerts_v2 with $filter=FIELD ge TIME, $top and
           @odata.nextLink ($skiptoken); Bearer from /login's token;
  /mde     /api/alerts, likewise;
  /cs      /oauth2/token, GET /alerts/queries/alerts/v2 (filter
           created_timestamp:>='TIME', sort, limit, after) and POST
           /alerts/entities/alerts/v2 {"composite_ids": [...]};
  /google  /admin/reports/v1/activity/users/all/applications/login
           (startTime, maxResults, pageToken; newest first).

Every request is checked (path, query, credentials); a bad one gets the
product's error status and {"fail": REASON} in PORTFILE.log, beside one
line per request (method, path; credentials are never logged).  A script
(JSON: {"SOURCE": ["429", "401", "slow", "ok", ...]}) gives the N-th data
request of SOURCE the N-th behaviour: "429" answers Retry-After: 1, "401"
revokes every token issued (a client must fetch one again), "slow" waits
5 s before answering.  Exits by itself after SECONDS (default 60).
"""
import copy
import json
import os
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

import srvlib
from srvlib import Bad, log, need, behaviour

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "ingest")
CRED = {"okta": "okta-token-S3CR3T", "google": "ya29.google-S3CR3T",
        "cs": ("cs-client-S3CR3T-id", "cs-client-S3CR3T-secret"),
        "entra": ("entra-app-S3CR3T-id", "entra-app-S3CR3T-secret")}
TENANT = "11111111-2222-3333-4444-555555555555"
BASE = 1795500000  # 2026-11-23T...Z, whole seconds
TOTAL = 60

opts = srvlib.options("pullsrv.py", {"--lifetime": 60.0, "--script": ""})
srvlib.load_script(opts["--script"])
lock = srvlib.lock
tokens, visible = set(), {}


def first(path):
    with open(os.path.join(FIX, path)) as f:
        text = f.read()
    if text.lstrip().startswith("["):
        return json.loads(text)[0]
    want = "composite_id" if path.startswith("crowdstrike") else ""
    for line in text.splitlines():
        if line.strip() and want in line:
            return json.loads(line)


def iso(sec, frac):
    t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    return t + (".%03dZ" % frac if frac is not None else "Z")


def make(src, tmpl, n):
    """Event n of src: its id and its time (two events per second)."""
    e = copy.deepcopy(tmpl)
    sec = BASE + n // 2
    if src == "okta":
        e["uuid"] = "okta-%04d" % n; e["published"] = iso(sec, 0)
    elif src in ("signins", "alerts_v2"):
        e["id"] = "%s-%04d" % (src, n); e["createdDateTime"] = iso(sec, None)
    elif src == "audits":
        e["id"] = "Directory_%04d" % n; e["activityDateTime"] = iso(sec, None)
    elif src == "mde":
        e["id"] = "da-%04d" % n; e["alertCreationTime"] = iso(sec, None)
    elif src == "cs":
        e["composite_id"] = "cid:ind:%04d" % n
        e["created_timestamp"] = e["timestamp"] = iso(sec, 0)
    elif src == "google":
        e["id"]["uniqueQualifier"] = str(1000 + n); e["id"]["time"] = iso(sec, 0)
    return e


TMPL = {"okta": first("okta/logs.json"), "signins": first("entra-signin/graph.json"),
        "audits": first("entra-audit/audits.json"), "alerts_v2": first("graph-alert/alerts.json"),
        "mde": first("mde/alerts.json"), "cs": first("crowdstrike/stream.json"),
        "google": first("google-workspace/activities.json")}
EVENTS = {s: [make(s, t, n) for n in range(TOTAL)] for s, t in TMPL.items()}
TIMEF = {"okta": "published", "signins": "createdDateTime", "audits": "activityDateTime",
         "alerts_v2": "createdDateTime", "mde": "alertCreationTime",
         "cs": "created_timestamp", "google": None}
for s in EVENTS:
    visible[s] = 10


def ptime(s):
    s = s.strip("'")
    frac = 0
    if "." in s:
        s, f = s.split(".", 1)
        frac = int(f.rstrip("Z")[:3].ljust(3, "0"))
    else:
        s = s.rstrip("Z")
    t = time.strptime(s, "%Y-%m-%dT%H:%M:%S")
    import calendar
    return calendar.timegm(t) * 1000 + frac


def etime(src, e):
    v = e["id"]["time"] if src == "google" else e[TIMEF[src]]
    return ptime(v)


def since(src, t):
    """The visible events at or after time t, oldest first."""
    return [e for e in EVENTS[src][:visible[src]] if etime(src, e) >= ptime(t)]


def bearer(h):
    a = h.get("Authorization", "")
    need(a.startswith("Bearer ") and a[7:] in tokens, "bad or revoked bearer token", 401)


def new_token(prefix):
    with lock:
        t = "%s-tok-%d" % (prefix, len(tokens) + 1)
        tokens.add(t)
    return t


def host(h):
    return "http://" + h.get("Host", "127.0.0.1")


def odata(src, path, q, h, field, top_name="$top", desc=False):
    bearer(h)
    if "$skiptoken" in q:
        st = json.loads(urllib.parse.unquote(q["$skiptoken"]))
        t, off, top = st["t"], st["off"], st["top"]
    else:
        f = q.get("$filter", "")
        need(f.startswith(field + " ge "), "want $filter=%s ge TIME, not %r" % (field, f))
        t, off, top = f[len(field) + 4:], 0, int(q.get(top_name, "100"))
    evs = since(src, t)
    if desc:
        evs = evs[::-1]
    page = evs[off:off + top]
    body = {"value": page}
    if off + top < len(evs):
        tok = urllib.parse.quote(json.dumps({"t": t, "off": off + top, "top": top}))
        body["@odata.nextLink"] = host(h) + path + "?$skiptoken=" + tok
    return 200, body, {}


def route(m, path, q, h, body):
    if path.startswith("/ctl/"):
        _, _, src, n = path.split("/")
        visible[src] = min(int(n), TOTAL)
        return 200, {"visible": visible[src]}, {}
    if path == "/login/%s/oauth2/v2.0/token" % TENANT or path == "/cs/oauth2/token":
        form = dict(urllib.parse.parse_qsl(body.decode()))
        who = "cs" if path.startswith("/cs") else "entra"
        need((form.get("client_id"), form.get("client_secret")) == CRED[who], "bad client credentials", 401)
        if who == "entra":
            need(form.get("grant_type") == "client_credentials", "want grant_type")
            need(form.get("scope", "").endswith("/.default"), "want a .default scope")
        return 200, {"access_token": new_token(who), "token_type": "bearer", "expires_in": 3600}, {}
    key = path.split("/")[1]
    if key == "graph":
        key = {"signIns": "signins", "directoryAudits": "audits", "alerts_v2": "alerts_v2"}.get(path.rsplit("/", 1)[-1], "graph")
    if key == "cs" and path.startswith("/cs/alerts/entities"):
        key = "cs-entities"
    b = behaviour(key)
    if b == "429":
        return 429, {"error": "too many requests"}, {"Retry-After": "1"}
    if b == "401":
        with lock:
            tokens.clear()
    if b == "slow":
        time.sleep(5)
    if path == "/okta/api/v1/logs":
        need(h.get("Authorization") == "SSWS " + CRED["okta"], "bad SSWS token", 401)
        limit = int(q.get("limit", "100"))
        if "after" in q:
            start = int(q["after"]) + 1
            evs = EVENTS["okta"][start:visible["okta"]]
        else:
            need(q.get("sortOrder") == "ASCENDING" and "since" in q, "want since and sortOrder=ASCENDING")
            evs = since("okta", q["since"])
            start = EVENTS["okta"].index(evs[0]) if evs else visible["okta"]
        page = evs[:limit]
        last = start + len(page) - 1
        link = '<%s/okta/api/v1/logs?after=%d&limit=%d>; rel="next"' % (host(h), last, limit)
        return 200, page, {"Link": '<%s/okta/api/v1/logs?limit=%d>; rel="self", ' % (host(h), limit) + link}
    if path == "/graph/v1.0/auditLogs/signIns":
        return odata("signins", path, q, h, "createdDateTime", desc=True)
    if path == "/graph/v1.0/auditLogs/directoryAudits":
        return odata("audits", path, q, h, "activityDateTime")
    if path == "/graph/v1.0/security/alerts_v2":
        return odata("alerts_v2", path, q, h, "createdDateTime")
    if path == "/mde/api/alerts":
        return odata("mde", path, q, h, "alertCreationTime")
    if path == "/cs/alerts/queries/alerts/v2":
        bearer(h)
        f = q.get("filter", "")
        need(f.startswith("created_timestamp:>='") and q.get("sort") == "created_timestamp.asc", "want filter and sort")
        evs = since("cs", f[len("created_timestamp:>="):])
        off, lim = int(q.get("after") or 0), int(q.get("limit", "100"))
        ids = [e["composite_id"] for e in evs[off:off + lim]]
        after = str(off + lim) if off + lim < len(evs) else ""
        return 200, {"resources": ids, "meta": {"pagination": {"after": after, "total": len(evs)}}, "errors": []}, {}
    if path == "/cs/alerts/entities/alerts/v2":
        bearer(h)
        need(m == "POST", "want POST", 405)
        ids = json.loads(body)["composite_ids"]
        need(isinstance(ids, list) and ids, "want composite_ids")
        byid = {e["composite_id"]: e for e in EVENTS["cs"]}
        return 200, {"resources": [byid[i] for i in ids], "errors": []}, {}
    if path == "/google/admin/reports/v1/activity/users/all/applications/login":
        need(h.get("Authorization") == "Bearer " + CRED["google"], "bad access token", 401)
        need("startTime" in q, "want startTime")
        evs = since("google", q["startTime"])[::-1]
        off, lim = int(q.get("pageToken") or 0), int(q.get("maxResults", "100"))
        body = {"kind": "admin#reports#activities", "items": evs[off:off + lim]}
        if off + lim < len(evs):
            body["nextPageToken"] = str(off + lim)
        return 200, body, {}
    raise Bad(404, "no such path " + path)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_any(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        try:
            status, obj, hdrs = route(self.command, u.path, q, self.headers, body)
            log({"m": self.command, "path": u.path, "status": status})
        except Bad as e:
            status, obj, hdrs = e.status, {"error": e.reason}, {}
            log({"m": self.command, "path": u.path, "fail": e.reason})
        data = json.dumps(obj, indent=1).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = handle_any


srvlib.serve(H, opts["--lifetime"])
