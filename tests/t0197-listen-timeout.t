#!/bin/sh
# soc-listen: connections that open a webhook request and never finish it
# (a header begun, a body promised) cannot hold the connection slots
# forever.  With --max-conn 4 they took them all, and a syslog stream
# waited in the kernel's backlog for as long as they stayed; each is now
# answered 408 after --hook-timeout and closed, counted by --stats, and
# the stream is read.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/listen-lib.sh"
command -v python3 >/dev/null || skip_all 'python3 not installed'
plan 5
export HOOK_TOKEN=S3CR3T-token
start_listen out.ndjson --tcp 127.0.0.1:0 --webhook 127.0.0.1:0 \
    --token-env HOOK_TOKEN --spool sp --max-conn 4 --hook-timeout 1 --stats
check 'two listeners bound' '[ -n "$TCP" ] && [ -n "$HOOK" ]'
# Four connections begin a request each and wait; a syslog stream comes
# while they hold the slots.  (Should soc-listen accept the stream before
# the last of them, that one is refused at once: each of the four ends
# either way, answered 408 or closed, and none stays.)
cat >idle.py <<'EOF'
import socket, sys, time
hook, tcp = int(sys.argv[1]), int(sys.argv[2])
idle = []
for part in (b"POST / HTTP/1.1\r\n", b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n{",
             b"PO", b""):
    s = socket.create_connection(("127.0.0.1", hook))
    s.sendall(part)
    idle.append(s)
time.sleep(0.5)
t = socket.create_connection(("127.0.0.1", tcp))
t.sendall(b"<13>Nov 21 10:00:00 host app: after the idle ones\n")
end = time.monotonic() + 20
for s in idle:
    s.settimeout(max(0.1, end - time.monotonic()))
    try:
        print(s.recv(200).split(b"\r\n")[0].decode() or "closed")
    except socket.timeout:
        print("still open")
t.close()
EOF
check 'each idle request is answered 408 (or refused), none stays open' \
	'python3 idle.py "$HOOK" "$TCP" >answers &&
	 [ "$(grep -c "^HTTP/1.1 408 Request Timeout$\|^closed$" answers)" -eq 4 ]'
# The stream's event reaches the spool once a slot is free: wait for it
# (bounded), then stop.
i=0
while ! grep -q 'after the idle ones' out.ndjson && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
stop_listen
check 'the syslog stream was read' 'grep -q "\"transport\":\"tcp\".*after the idle ones" out.ndjson'
check 'stopped: status 0' '[ "$LRC" -eq 0 ]'
check 'counted' \
	'grep -q "0 answered busy, $(grep -c 408 answers) timed out, $(grep -c closed answers) connections refused" out.ndjson.err'
done_testing
