#!/bin/sh
# correlate.db version 6 keeps the entity index in blocks (blobs by hash);
# a version 5 database keeps it a row per entity.  The first run over a
# version 5 database reads the rows, leaves out and counts the idle ones,
# writes the others as blocks and deletes the rows; what an entity holds
# (its partners, its hub flag) comes through, and the next run reads the
# blocks.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || skip_all 'sqlite3 not installed'
plan 19
export SOC_NOW=2025-11-20T13:00:00Z
mkdir -p "$SOC_HOME"
db=$SOC_HOME/correlate.db
# A hub after 3 partners; nothing idle for all.json.
echo '{"hub_partners": 3}' >hub.json
echo '{"hub_partners": 3, "entity_idle_s": 1e9}' >all.json
stat_of() {	# stat_of FILE WHAT: the count --stats printed for WHAT
	awk -v w="$2" 'index($0, w) { print $1 }' "$1"
}

# Stream time 12:00; carol has 3 partners, ws1 is a hub, old was last
# seen 30 days before (idle past the default 7 days).
check_exit 'the version 5 schema from its migration steps' 0 \
	'soc-corr-schema 5 >v5.sql'
cat >>v5.sql <<'SQL'
INSERT INTO meta VALUES('stream', 1763640000000), ('seq', 0);
INSERT INTO entity VALUES
 (0, 'carol', 1763630000000, 1763640000000, 4, 0,
  X'010000000200000003000000', NULL),
 (1, 'ws1', 1763630000000, 1763640000000, 9, 1, NULL, NULL),
 (0, 'old', 1761000000000, 1761048000000, 1, 0, NULL, NULL);
SQL
check_exit 'a version 5 database with three entities' 0 \
	'sqlite3 "$db" <v5.sql >sql.out 2>&1'

check_exit 'a run over it with no input' 0 \
	'soc-correlate --config hub.json --stats </dev/null >run1.out 2>run1.err'
echo 2 >want
stat_of run1.err 'entities in the index' >got
check_same 'the two live entities are read' want got
echo 1 >want
stat_of run1.err 'entities aged out' >got
check_same 'the idle one is left out and counted' want got
sqlite3 "$db" 'select count(*) from entity; select count(*) > 0 from entity_block;' >got
printf '0\n1\n' >want
check_same 'the rows are gone, the blocks written' want got

# carol's fourth partner makes her a hub only if the three came through.
cat >next.ndjson <<'A'
{"@timestamp":"2025-11-20T12:30:00.000Z","event":{"kind":"alert"},"rule":{"id":"7","name":"r"},"user":{"name":"carol"},"host":{"name":"ws9"},"soc":{"kind":"alert","id":"c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1","severity":70}}
A
check_exit 'a run over the blocks' 0 \
	'soc-correlate --config hub.json --stats next.ndjson >run2.out 2>run2.err'
echo 1 >want
stat_of run2.err 'hub entities' >got
check_same 'carol keeps her partners: the fourth makes her a hub' want got
echo 3 >want
stat_of run2.err 'entities in the index' >got
check_same 'carol, ws1 and ws9 in the index' want got

# The blocks hold what the index held: read back by a run that keeps all.
check_exit 'a run that reads every entity stored' 0 \
	'soc-correlate --config all.json --stats </dev/null >run3.out 2>run3.err'
echo 3 >want
stat_of run3.err 'entities in the index' >got
check_same 'the blocks give the same three' want got

# A save notes the index's size, by which the next start sizes the index
# once; it is a hint only: a wrong one changes nothing that is read.
sqlite3 "$db" "select v from meta where k = 'entities'" >got
echo 3 >want
check_same 'the index size noted for the next start' want got
sqlite3 "$db" "update meta set v = 1000000000000 where k = 'entities'"
check_exit 'a run over a wrong size' 0 \
	'soc-correlate --config all.json --stats </dev/null >run4.out 2>run4.err'
echo 3 >want
stat_of run4.err 'entities in the index' >got
check_same 'the wrong size is only a hint' want got

# A new correlate.db has 16 KiB pages; one created before keeps its own.
SOC_HOME=$T/fresh soc-correlate </dev/null >/dev/null 2>&1
sqlite3 "$T/fresh/correlate.db" 'pragma page_size' >got
echo 16384 >want
check_same 'a new database has 16 KiB pages' want got
sqlite3 "$db" 'pragma page_size' >got
echo 4096 >want
check_same 'the upgraded one keeps its 4 KiB' want got

# A block that cannot be read is reported, the run goes on, and the next
# save writes the block again from what was read of it.
sqlite3 "$db" "update entity_block set data = x'0100ff' where b = (select min(b) from entity_block)"
check_exit 'a run over a damaged block' 0 \
	'soc-correlate --config all.json </dev/null >bad.out 2>bad.err'
check 'the block is named' 'grep -q "entity block [0-9]* cannot be read" bad.err'
check_exit 'the next run reads every block' 0 \
	'soc-correlate --config all.json </dev/null >again.out 2>again.err && test ! -s again.err'
