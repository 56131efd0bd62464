"""srvlib.py: what the loopback test servers share (httpd.py, pullsrv.py,
vendor.py, products.py, chat.py), written once.

    import srvlib
    opts = srvlib.options("vendor.py", {"--lifetime": 60.0, "--script": ""})
    ...
    srvlib.serve(Handler, opts["--lifetime"])

The command line is PORTFILE, then --NAME VALUE options, each one the
server names with its default (the default's type converts the value; a
list default collects a repeated option); any other is an error.  serve()
binds an ephemeral port on 127.0.0.1, writes it to PORTFILE (whole, by a
rename, so tests/lib.sh's start_server never reads half a number), and
serves until LIFETIME seconds have passed or, with MAX_REQUESTS, that many
requests have been counted by count().  Every server appends one JSON line
a request (never a credential) to PORTFILE.log through log().  A server's
handler refuses a request with need(COND, REASON, STATUS), which raises
Bad, and plays a test's script of failures through behaviour().
Servers run as `python3 -B` (start_server does), so importing this
module leaves no tests/__pycache__ behind.
"""
import json
import os
import sys
import threading
import time
from http.server import ThreadingHTTPServer

lock = threading.Lock()  # log, count and behaviour; a server may share it
portfile = None
script = {}
_served = 0
_seen = {}


def options(prog, defaults):
    """Reads PORTFILE and the options named in DEFAULTS; returns their values."""
    global portfile
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: %s PORTFILE [--OPTION VALUE]..." % prog)
    portfile = args[0]
    opts = {k: (list(v) if isinstance(v, list) else v) for k, v in defaults.items()}
    for i in range(1, len(args), 2):
        k = args[i]
        if k not in defaults or i + 1 >= len(args):
            sys.exit("%s: unknown argument or no value: %s" % (prog, k))
        v, d = args[i + 1], defaults[k]
        if isinstance(d, list):
            opts[k].append(v)
        elif isinstance(d, float):
            opts[k] = float(v)
        elif isinstance(d, int):
            opts[k] = int(v)
        else:
            opts[k] = v
    return opts


def load_script(path):
    """The --script FILE a test gives: for a key, the answers in turn."""
    global script
    if path:
        with open(path) as f:
            script = json.load(f)
    return script


def behaviour(key):
    """The scripted answer for the next request under KEY, or "ok"."""
    with lock:
        n = _seen.get(key, 0)
        _seen[key] = n + 1
    seq = script.get(key, [])
    return seq[n] if n < len(seq) else "ok"


class Bad(Exception):
    """A request the product would refuse: its status and the reason."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


def need(cond, reason, status=400):
    if not cond:
        raise Bad(status, reason)


def log(obj, sort_keys=False):
    with lock, open(portfile + ".log", "a") as f:
        f.write(json.dumps(obj, sort_keys=sort_keys) + "\n")


def count():
    """Counts a request; returns how many have come, this one included."""
    global _served
    with lock:
        _served += 1
        return _served


def serve(handler, lifetime, max_requests=None, linger=0.0, quiet=False):
    """Serves HANDLER until LIFETIME seconds or MAX_REQUESTS requests have
    passed (then LINGER seconds more for the last answers).  QUIET drops
    the traceback of a client that hung up (timeouts, kill -9)."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    if quiet:
        srv.handle_error = lambda *a: None
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    if max_requests is None:
        t = threading.Timer(lifetime, srv.shutdown)
        t.daemon = True  # (a server that stopped itself exits at once)
        t.start()
        srv.serve_forever()
        return
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    end = time.time() + lifetime
    while time.time() < end and _served < max_requests:
        time.sleep(0.05)
    time.sleep(linger)
    srv.shutdown()
