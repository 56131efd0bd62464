#!/bin/sh
# soc-enrich: prior incidents from soc-correlate's correlate.db (the
# incident_entity table of socpipe-record(7), contract 1), tolerated when
# absent or stating no contract, refused (78) at another contract version;
# and configuration errors, which name their place and exit 78.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
plan 15
export SOC_NOW=2026-11-22T12:00:00Z
printf '{"@timestamp":"2026-11-22T10:00:00.000Z","source":{"ip":"10.1.2.3"},"destination":{"ip":"198.51.100.7"},"user":{"name":"alice"},"soc":{"kind":"alert","id":"p"}}\n' >"$T/a"

check 'no correlate.db: no prior member' \
	'soc-enrich "$T/a" >"$T/o" && grep -q "\"lookups\":\[\]}" "$T/o" && ! grep -q "\"prior\"" "$T/o"'
mkdir -p "$SOC_HOME"
python3 - "$SOC_HOME/correlate.db" <<'EOF2'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE other(x)")
c.commit()
EOF2
check 'correlate.db without the table: no prior member' \
	'soc-enrich "$T/a" >"$T/o" && ! grep -q "\"prior\"" "$T/o"'
python3 - "$SOC_HOME/correlate.db" <<'EOF2'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE incident_entity(value TEXT NOT NULL, incident TEXT NOT NULL, verdict TEXT, last_seen TEXT)")
c.executemany("INSERT INTO incident_entity VALUES(?,?,?,?)", [
    ("198.51.100.7", "inc-0001", "true_positive", "2026-11-20T00:00:00.000Z"),
    ("198.51.100.7", "inc-0002", None, "2026-11-21T00:00:00.000Z"),
    ("alice", "inc-0003", "false_positive", "2026-11-01T00:00:00.000Z"),
    ("203.0.113.1", "inc-0004", "true_positive", "2026-11-01T00:00:00.000Z")])
c.commit()
EOF2
# The contract row as soc-correlate keeps it (meta k = 'contract').
contract() {
	python3 - "$SOC_HOME/correlate.db" "$1" <<'EOF2'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
c.execute("INSERT OR REPLACE INTO meta VALUES('contract', ?)", (int(sys.argv[2]),))
c.commit()
EOF2
}
check 'the table without a contract version: passed over, no prior member' \
	'soc-enrich "$T/a" >"$T/o" && grep -q "\"lookups\":\[\]}" "$T/o" && ! grep -q "\"prior\"" "$T/o"'
contract 2
check_exit 'contract version 2: refused, 78' 78 'soc-enrich "$T/a" >"$T/o" 2>"$T/e"'
check 'says which version it found and which it reads, writes nothing' \
	'grep -q "correlate.db: contract version 2, which this soc-enrich does not know (it reads version 1" "$T/e" && test ! -s "$T/o"'
contract 1
check_exit 'with the table, contract version 1' 0 'soc-enrich "$T/a" >"$T/o"'
check 'prior incidents per observable, the latest first' \
	'grep -q "\"prior\":\[{\"observable\":\"198.51.100.7\",\"incident\":\"inc-0002\",\"verdict\":null},{\"observable\":\"198.51.100.7\",\"incident\":\"inc-0001\",\"verdict\":\"true_positive\"},{\"observable\":\"alice\",\"incident\":\"inc-0003\",\"verdict\":\"false_positive\"}\]}" "$T/o"'
check 'correlate.db is only read' \
	'test ! -e "$SOC_HOME/correlate.db-wal" && python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); assert c.execute(\"select count(*) from incident_entity\").fetchone()[0] == 4" "$SOC_HOME/correlate.db"'

# Values seen before in the run (their entries remembered) give what a
# run of that alert alone gives, wherever they fall in the alert.
printf '{"@timestamp":"2026-11-22T10:00:00.000Z","source":{"ip":"203.0.113.1"},"user":{"name":"alice"},"soc":{"kind":"alert","id":"q"}}\n' >"$T/b"
cat "$T/a" "$T/b" "$T/a" "$T/b" >"$T/ab"
soc-enrich "$T/b" >"$T/ob"
cat "$T/o" "$T/ob" "$T/o" "$T/ob" >"$T/want"
check 'the same prior entries for values asked again' \
	'soc-enrich "$T/ab" >"$T/oab" && cmp -s "$T/want" "$T/oab" && grep -q "inc-0004.*inc-0003" "$T/ob"'

printf '{"providers": [\n  {"type": "virustotal",}\n]}\n' >"$T/bad.json"
check_exit 'a configuration syntax error: 78' 78 'soc-enrich --config "$T/bad.json" "$T/a" >/dev/null 2>"$T/e"'
check 'names file, line and column' 'grep -q "bad.json:2:" "$T/e"'
printf '{"providers": [{"type": "virustotal", "api_key": "abc123"}]}\n' >"$T/key.json"
check_exit 'a key written in the configuration: 78' 78 \
	'soc-enrich --config "$T/key.json" "$T/a" >/dev/null 2>"$T/e"'
check 'says why, without repeating it' \
	'grep -q "\"api_key\" must be {\"env\":\"NAME\"}" "$T/e" && ! grep -q abc123 "$T/e"'
printf '{"providers": [{"type": "nosuch"}]}\n' >"$T/type.json"
check_exit 'an unknown provider type: 78' 78 'soc-enrich --config "$T/type.json" "$T/a" >/dev/null 2>&1'
check_exit 'a missing --config file: 78' 78 'soc-enrich --config "$T/none.json" "$T/a" >/dev/null 2>&1'
done_testing
