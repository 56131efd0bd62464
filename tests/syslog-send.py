#!/usr/bin/env python3
"""Send syslog messages to a listener on 127.0.0.1, as senders do.

    syslog-send.py udp|tcp|tls PORT N TAG [--octet] [--ca FILE]

Sends N RFC 5424 messages "<13>1 TIME host app - - - TAG I" (I from 0),
each in one datagram (udp), or on one connection (tcp, tls) framed by a
newline or, with --octet, by octet counting (RFC 6587; RFC 5425 for
tls, which is always octet counted).  Message I % 7 == 3 holds a newline,
which only octet counting can carry; with newline framing it is left out.
Datagrams are paced (3 ms each 50) so that a listener on a busy machine
sees them all rather than the kernel dropping them.
"""
import socket
import ssl
import sys
import time

mode, port, n, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
octet = "--octet" in sys.argv or mode == "tls"
ca = sys.argv[sys.argv.index("--ca") + 1] if "--ca" in sys.argv else None


def msg(i):
    body = "%s %d" % (tag, i)
    if octet and i % 7 == 3:
        body += "\nsecond line"
    return ("<13>1 2026-11-22T10:00:%02d.000Z host%d app - - - %s" % (i % 60, i % 5, body)).encode()


if mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(n):
        s.sendto(msg(i), ("127.0.0.1", port))
        if i % 50 == 49:
            time.sleep(0.003)  # so that the kernel's buffer never drops
    sys.exit(0)
s = socket.create_connection(("127.0.0.1", port), timeout=20)
if mode == "tls":
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False
    s = ctx.wrap_socket(s, server_hostname="localhost")
out = b""
for i in range(n):
    m = msg(i)
    out += (str(len(m)).encode() + b" " + m) if octet else m + b"\n"
    if len(out) > 32768:
        s.sendall(out)
        out = b""
s.sendall(out)
if mode == "tls":
    s.unwrap()
s.close()
