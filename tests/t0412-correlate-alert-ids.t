#!/bin/sh
# correlate.db version 7 keeps the alert ids an incident grouped packed,
# a row per incident per save, and finds an alert's incident by a hash of
# its id; version 6 kept a row per alert.  The first open of a version 6
# database converts the rows (an id of 32 lowercase hex digits, and any
# other text of up to 32 bytes, which version 6 padded with NULs): the
# replay check, close's feedback and split then give what a database this
# version made gives.  Two ids of one hash are told apart, and an id
# grouped again leaves the incident that had it.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || skip_all 'sqlite3 not installed'
command -v jq >/dev/null || skip_all 'jq not installed'
plan 20
F=$FIX/correlate
export SOC_NOW=2026-11-20T13:00:00Z
stat_of() {	# stat_of FILE WHAT: the count --stats printed for WHAT
	awk -v w="$2" 'index($0, w) { print $1 }' "$1"
}

# The group fixture with two ids that are not 32 lowercase hex digits.
sed -e 's/"3d32e9a2e78cbdbfeefe4f72c019b5b6"/"short-2"/' \
    -e 's/"6379b1fb8ac9e6e4d3dbc0f2e878a70a"/"6379B1FB8AC9E6E4D3DBC0F2E878A70A"/' \
    "$F/group.ndjson" >in.ndjson
check_exit 'a new state groups the alerts' 0 \
	'SOC_HOME=$T/new soc-correlate --config "$F/hub.json" in.ndjson >new.out'
new=$T/new/correlate.db

# The same state as version 6 kept it: the incidents, entities and meta
# as they are, each alert a row naming its incident (the one it was
# merged into, if any) by seq, with its time; "short-2" padded with NULs.
check_exit 'the version 6 schema from its migration steps' 0 \
	'soc-corr-schema 6 >v6.sql'
for t in incident incident_value entity_block rule_window; do
	sqlite3 -cmd ".mode insert $t" "$new" "select * from $t" >>v6.sql
done
sqlite3 -cmd '.mode insert meta' "$new" "select * from meta where k in
    ('stream', 'seq', 'entity_blocks')" >>v6.sql
jq -r 'select(.soc.kind == "alert") | [.soc.id, .soc.incident.id,
    ((."@timestamp" | sub("\\.[0-9]+Z$"; "Z") | fromdate) * 1000 +
    (."@timestamp"[20:23] | tonumber))] | @tsv' new.out >alerts.tsv
pad=$(printf '%050d' 0)
awk -F '\t' -v pad="$pad" '{
	id = "'\''" $1 "'\''"
	if ($1 == "short-2")
		id = "CAST(X'\''73686f72742d32" pad "'\'' AS TEXT)"
	printf "INSERT INTO incident_alert SELECT %s, coalesce(m.seq, i.seq), %s" \
	    " FROM incident i LEFT JOIN incident m ON m.id = i.merged_into" \
	    " WHERE i.id = '\''%s'\'';\n", id, $3, $2
}' alerts.tsv >>v6.sql
mkdir -p "$SOC_HOME"
db=$SOC_HOME/correlate.db
check_exit 'a version 6 database of the same state' 0 \
	'sqlite3 "$db" <v6.sql'
sqlite3 "$db" "select count(*), sum(length(CAST(alert AS BLOB)) = 32) from incident_alert" >got
echo '17|17' >want
check_same 'its 17 rows, each 32 bytes' want got

check_exit 'list opens it' 0 'soc-correlate list >list.out'
sqlite3 "$db" 'pragma user_version; select count(*) from incident_alert;
    select sum(length(keys)) / 16 from alert_key' >got
printf '7\n0\n17\n' >want
check_same 'version 7: the rows are gone, 17 keys' want got

# Replays: every alert found again, nothing emitted, on both.
cp -R "$T/new" "$T/new2"
SOC_HOME=$T/new2 soc-correlate --config "$F/hub.json" --stats in.ndjson \
	>replay-new.out 2>replay-new.err
check_exit 'a replay over the converted state' 0 \
	'soc-correlate --config "$F/hub.json" --stats in.ndjson >replay.out 2>replay.err'
check_same 'the replay gives what it gives over the new state' \
	replay-new.out replay.out
echo 17 >want
stat_of replay.err 'alerts seen before' >got
check_same 'all 17 are replays, the NUL-padded id too' want got

# close's feedback (oldest first) and split, on both.
soc-audit init >/dev/null 2>&1
SOC_HOME=$T/new soc-audit init >/dev/null 2>&1
A=$(jq -r 'select(.soc.kind == "incident" and .soc.incident.status == "open")
    | .soc.id' new.out | sed -n 1p)
SOC_HOME=$T/new soc-correlate close "$A" --verdict true_positive --by alice \
	>close-new.out
check_exit 'close over the converted state' 0 \
	"soc-correlate close $A --verdict true_positive --by alice >close.out"
check_same 'the same incident and feedback records' close-new.out close.out
jq -r 'select(.soc.kind == "feedback") | .feedback.target' close.out >got
check 'the feedback names the short and the upper-case id' \
	'grep -qx short-2 got && grep -qx 6379B1FB8AC9E6E4D3DBC0F2E878A70A got'
B=$(jq -r 'select(.soc.kind == "incident" and .soc.incident.status == "open"
    and .soc.incident.counts.entries > 1) | .soc.id' new.out | sed -n 2p)
X=$(jq -r 'select(.soc.id == "'"$B"'") | .soc.incident.timeline[0].alert' \
    new.out | tail -n 1)
SOC_HOME=$T/new soc-correlate split "$B" --alerts "$X" >split-new.out
check_exit 'split over the converted state' 0 \
	"soc-correlate split $B --alerts $X >split.out"
check_same 'the same two versions' split-new.out split.out
C=$(jq -r 'select(.soc.incident.parents == ["'"$B"'"]) | .soc.id' split.out)
SOC_HOME=$T/new soc-correlate close "$C" --verdict benign --by bob \
	>child-new.out
soc-correlate close "$C" --verdict benign --by bob >child.out
jq -r 'select(.soc.kind == "feedback") | .feedback.target' child.out >got
echo "$X" >want
check_same 'the split-off incident closes with its alert' want got
check_same '... on both' child-new.out child.out

# Two ids of one hash: a key of each id's hash is planted that names the
# other's entry (what a collision looks like to a lookup).  Both are
# still found, and each is still listed once.
rm -rf "$SOC_HOME"
head -n 2 in.ndjson | tail -n 1 >two.ndjson
sed -n 9p in.ndjson >>two.ndjson
soc-correlate --config "$F/hub.json" two.ndjson >two.out
sqlite3 "$db" "update alert_key set keys = substr(keys, 1, 16) ||
    substr(keys, 1, 8) || substr(keys, 25, 8) || substr(keys, 17, 8) ||
    substr(keys, 9, 8) || substr(keys, 17, 16)"
check_exit 'a replay with the planted keys' 0 \
	'soc-correlate --config "$F/hub.json" --stats two.ndjson >two2.out 2>two2.err'
echo 2 >want
stat_of two2.err 'alerts seen before' >got
check_same 'both are replays' want got

# An id grouped again, later, into another incident (the second alert's
# id on the first's entities): it leaves the incident that had it.
jq -c 'select(.soc.kind == "alert") | .soc.id' two.out >ids
Q=$(sed -n 2p ids | tr -d '"')
sed -n 1p two.ndjson | sed -e 's/"2026-11-20T10:02:00.000Z"/"2026-11-20T12:59:00.000Z"/' \
    -e "s/\"short-2\"/\"$Q\"/" >again.ndjson
check_exit 'the id again, in the first incident' 0 \
	'soc-correlate --config "$F/hub.json" again.ndjson >again.out'
soc-audit init >/dev/null 2>&1
I1=$(jq -r 'select(.soc.kind == "alert") | .soc.incident.id' two.out | sed -n 1p)
I2=$(jq -r 'select(.soc.kind == "alert") | .soc.incident.id' two.out | sed -n 2p)
soc-correlate close "$I2" --verdict benign --by bob >close2.out
soc-correlate close "$I1" --verdict benign --by bob >close1.out
jq -r 'select(.soc.kind == "feedback") | .feedback.target' close2.out \
    close1.out >got
printf 'short-2\n%s\n' "$Q" >want
check_same 'only the first incident lists it, after short-2' want got
