#!/bin/sh
# soc-correlate's memory bound: with max_incidents at 2, incidents go cold
# (saved, their parts out of memory) at load and at checkpoints, and are
# loaded again when an alert joins them; the output and the database are
# byte for byte those of the default bound, over two runs (the second
# continuing the first's incidents), and the unloading is counted.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || skip_all 'sqlite3 not installed'
plan 9
export SOC_NOW=2026-01-05T12:00:00Z

# COUNT alerts over 3,000 hosts (user, host, address each; one in ten
# also naming a shared DNS server, one in fifty another host's address),
# 40 rules, 20 a second from 00:00.
gen() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			h = int(rand() * 3000); r = int(rand() * 40); s = int(i / 20)
			dns = rand() < 0.1 ? ",\"10.255.0.53\"" : ""
			o = int(rand() * 3000)
			if (rand() < 0.02)	# a bridge: merges two incidents
				dns = dns sprintf(",\"10.1.%d.%d\"", int(o / 256), o % 256)
			printf "{\"@timestamp\":\"2026-01-05T%02d:%02d:%02d.000Z\",\"event\":{\"kind\":\"alert\",\"dataset\":\"t.ids\"},\"rule\":{\"id\":\"%d\",\"name\":\"rule %d\"},\"host\":{\"name\":\"h%d\"},\"user\":{\"name\":\"u%d\"},\"related\":{\"ip\":[\"10.1.%d.%d\"%s]},\"soc\":{\"kind\":\"alert\",\"id\":\"%032x\",\"severity\":%d}}\n", \
			    int(s / 3600), int(s / 60) % 60, s % 60, r, r, h, h, \
			    int(h / 256), h % 256, dns, seed * 1000000 + i, 20 + r
		}
	}'
}
gen 12000 1 >one.ndjson
gen 10000 2 >two.ndjson
echo '{"max_incidents": 2}' >small.json

for cfg in default small; do
	c=; [ "$cfg" = small ] && c="--config small.json"
	SOC_HOME=$T/$cfg soc-correlate $c --stats one.ndjson >$cfg.1 2>$cfg.1.err
	echo $? >$cfg.rc
	SOC_HOME=$T/$cfg soc-correlate $c --stats two.ndjson >$cfg.2 2>$cfg.2.err
	echo $? >>$cfg.rc
done
printf '0\n0\n' >want.rc
check_same 'both runs succeed at the default bound' want.rc default.rc
check_same 'both runs succeed with max_incidents 2' want.rc small.rc
check_same 'the first run writes the same bytes' default.1 small.1
check_same 'the second run, continuing, writes the same bytes' default.2 small.2
n=$(awk '/incidents unloaded past max_incidents/ { print $1 }' small.1.err)
check 'unloading at checkpoints is counted' 'test "${n:-0}" -gt 100'
n=$(awk '/unloaded incidents loaded again/ { print $1 }' small.2.err)
check 'incidents loaded again when joined are counted' 'test "${n:-0}" -gt 100'
n=$(awk '/incidents merged/ { print $1 }' small.2.err)
check 'incidents merge (cold ones among them)' 'test "${n:-0}" -gt 10'
n=$(awk '/incidents unloaded past max_incidents/ { print $1 }' default.2.err)
check 'the default bound unloads nothing here' 'test "$n" -eq 0'
q='select id, version, status, nalerts, detail from incident order by seq'
sqlite3 "$T/default/correlate.db" "$q" >default.db
sqlite3 "$T/small/correlate.db" "$q" >small.db
check_same 'the databases hold the same incidents' default.db small.db
