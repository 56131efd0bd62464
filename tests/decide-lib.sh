# decide-lib.sh: fixtures for soc-decide's tests.
#
#   correlate_db FILE    a correlate.db with alice's history
#
# (start_server and stop_server, for the loopback servers, are in lib.sh.)

# correlate.db as soc-correlate writes it (contract 1: incident_entity, the
# published table, and incident_entry, the timeline): alice in incident 1111... (the
# fixture) and in aaaa..., whose alerts are a password reset and an
# endpoint alert on alice-lt; 203.0.113.9 in bbbb... with ws-9 and bob.
correlate_db() {
	python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE incident_entity(value TEXT NOT NULL, incident TEXT NOT NULL,
 verdict TEXT, last_seen TEXT, kind TEXT NOT NULL, entity TEXT NOT NULL,
 n INTEGER NOT NULL, first_seen TEXT, alerts INTEGER, alert TEXT,
 crown INTEGER, privileged INTEGER, hub INTEGER,
 PRIMARY KEY(incident, kind, entity, value));
CREATE INDEX incident_entity_value ON incident_entity(value);
CREATE TABLE incident_entry(incident TEXT NOT NULL, n INTEGER NOT NULL,
 key INTEGER, alert TEXT, rule TEXT, name TEXT, host TEXT, source TEXT,
 first INTEGER, last INTEGER, count INTEGER, tactics INTEGER,
 inferred INTEGER, score INTEGER, prio INTEGER, disp INTEGER,
 PRIMARY KEY(incident, n)) WITHOUT ROWID;
CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);
INSERT INTO meta VALUES('contract', 1);
""")
now = 1795143600000  # 2026-11-20T03:00:00Z
I1, IA, IB = "1" * 32, "a" * 32, "b" * 32
ent = [("alice", I1, "user"), ("alice", IA, "user"), ("alice-lt", IA, "host"),
       ("203.0.113.9", IB, "ip"), ("ws-9", IB, "host"), ("bob", IB, "user")]
for n, (v, inc, k) in enumerate(ent):
    db.execute("INSERT INTO incident_entity VALUES(?,?,NULL,'2026-11-20T02:00:00.000Z',?,?,?,"
               "'2026-11-20T01:00:00.000Z',1,NULL,0,0,0)", (v, inc, k, v, n))
rows = [(I1, 0, "Okta sign-in from a new country", "", "okta.system", now - 3600000),
        (IA, 0, "Okta: password reset by an administrator", "", "okta.system", now - 7200000),
        (IA, 1, "Falcon: suspicious script", "alice-lt", "crowdstrike.falcon", now - 3000000),
        (IA, 2, "VPN login", "alice-lt", "vpn.log", now - 2000000),
        (IA, 3, "Old thing, out of the window", "alice-lt", "crowdstrike.falcon", now - 3 * 86400000)]
for inc, n, name, host, src, last in rows:
    db.execute("INSERT INTO incident_entry VALUES(?,?,0,'x','r',?,?,?,?,?,1,0,0,50,2,1)",
               (inc, n, name, host, src, last - 60000, last))
db.commit()
PY
}
