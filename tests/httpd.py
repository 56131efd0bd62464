#!/usr/bin/env python3
"""A bounded test HTTP server on 127.0.0.1 for socpipe's tests.

    httpd.py PORTFILE [--max-requests N] [--lifetime SECONDS] [--routes FILE]

Binds an ephemeral port on 127.0.0.1, writes it to PORTFILE, serves at
most N requests (default 200) or for at most SECONDS (default 60), then
exits by itself.  Every request is appended as one JSON line to
PORTFILE.log (method, path, headers with values of auth headers masked as
"<set>", body), so tests can count and inspect what was sent.

Built-in routes: /ok (200 JSON), /slow?ms=N (waits), /status/N (that
status; 429 and 503 carry Retry-After: 1), /big?bytes=N, /redirect?to=PATH,
/garbage (200, not JSON).  A routes file (JSON: {"/path": {"status": 200,
"headers": {...}, "body": ..., "delay_ms": N}}) adds or overrides routes;
a path matches exactly or, when the route ends in '*', by prefix.  A
route {"sequence": [R1, R2, ...]} answers R1 the first time, R2 the next,
and repeats the last (a 429 then a 200, a 503 then a 200).  In a route's
body, "{{header:NAME}}" is replaced by the request's NAME header (JSON
string escaped): a hostile provider echoing the API key it was sent.
"""
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

import srvlib

opts = srvlib.options("httpd.py", {"--max-requests": 200, "--lifetime": 60.0, "--routes": ""})
max_requests = opts["--max-requests"]
routes = {}
if opts["--routes"]:
    with open(opts["--routes"]) as f:
        routes = json.load(f)
hits = {}
lock = srvlib.lock
MASK = {"authorization", "x-apikey", "key", "x-api-key", "api-key"}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, headers=None, ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        n = srvlib.count()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        hdrs = {k: ("<set>" if k.lower() in MASK else v) for k, v in self.headers.items()}
        srvlib.log({"n": n, "method": self.command, "path": self.path,
                    "headers": hdrs, "body": body})
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        route = routes.get(u.path) or routes.get(self.path)
        if route is None:
            for k, v in routes.items():
                if k.endswith("*") and self.path.startswith(k[:-1]):
                    route = v
                    break
        if route is not None and "sequence" in route:
            # A route may answer differently each time it is hit: the
            # responses of "sequence" in turn, the last one repeated.
            with lock:
                k = id(route)
                i = hits.get(k, 0)
                hits[k] = i + 1
            seq = route["sequence"]
            route = seq[min(i, len(seq) - 1)]
        if route is not None:
            time.sleep(route.get("delay_ms", 0) / 1000.0)
            body = route.get("body", "")
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            body = re.sub(r"\{\{header:([^}]+)\}\}",
                          lambda m: json.dumps(self.headers.get(m.group(1), ""))[1:-1],
                          body)
            self.send(route.get("status", 200), body, route.get("headers"))
        elif u.path == "/ok":
            self.send(200, {"ok": True, "path": self.path})
        elif u.path == "/slow":
            time.sleep(int(q.get("ms", "1000")) / 1000.0)
            self.send(200, {"slow": True})
        elif u.path.startswith("/status/"):
            st = int(u.path.split("/")[2])
            extra = {"Retry-After": "1"} if st in (429, 503) else {}
            self.send(st, {"status": st}, extra)
        elif u.path == "/big":
            self.send(200, "x" * int(q.get("bytes", "1000000")), ctype="text/plain")
        elif u.path == "/redirect":
            self.send(302, "", {"Location": q.get("to", "/ok")})
        elif u.path == "/garbage":
            self.send(200, "<html>not json", ctype="text/html")
        else:
            self.send(404, {"error": "not found"})
        if n >= max_requests:
            threading.Thread(target=self.server.shutdown, daemon=True).start()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


# (clients that time out or reset on purpose are expected: quiet)
srvlib.serve(H, opts["--lifetime"], quiet=True)
