#!/bin/sh
# soc-enrich assets / identities / zones: the importers (CSV, JSON array,
# NDJSON, zone maps), matching, and bad files reported by file and line.
. "$(dirname "$0")/lib.sh"
plan 22
E="$FIX/enrich"
export SOC_NOW=2026-11-22T12:00:00Z
alert() {
	printf '{"@timestamp":"2026-11-22T10:00:00.000Z",%s,"soc":{"kind":"alert","id":"x"}}\n' "$1"
}
enr() { alert "$1" | soc-enrich | sed 's/.*"enrich"://; s/}}$//'; }

check_exit 'assets from CSV' 0 'soc-enrich assets import "$E/assets.csv" >"$T/o"'
check 'one row per host, ip, cidr' 'grep -q "assets.csv: 5 assets, 0 errors" "$T/o"'
cat >"$T/assets.ndjson" <<'EOF2'
{"hostname": "WS-77", "criticality": 88, "owner": "ceo-office", "tags": ["vip", "laptop"]}
{"address": "10.5.5.5", "criticality": "low"}
EOF2
check_exit 'assets from NDJSON, aliases and arrays' 0 'soc-enrich assets import "$T/assets.ndjson" >"$T/o"'
check 'host by name, case-insensitive; label from a number' \
	'enr "\"host\":{\"name\":\"ws-77.corp.example\"}" >"$T/e" &&
	 grep -q "\"assets\":\[{\"field\":\"host.name\",\"value\":\"ws-77.corp.example\",\"criticality\":88,\"criticality_label\":\"critical\",\"owner\":\"ceo-office\",\"tags\":\[\"vip\",\"laptop\"\]}\],\"asset_criticality\":88" "$T/e"'
check 'an address by its prefix, the highest criticality wins' \
	'enr "\"source\":{\"ip\":\"10.99.1.1\"},\"destination\":{\"ip\":\"10.5.5.5\"}" >"$T/e" &&
	 grep -q "\"field\":\"source.ip\",\"value\":\"10.99.1.1\",\"criticality\":75,\"criticality_label\":\"high\",\"owner\":\"ot-team\"" "$T/e" &&
	 grep -q "\"field\":\"destination.ip\",\"value\":\"10.5.5.5\",\"criticality\":20,\"criticality_label\":\"low\",\"tags\":\[\]" "$T/e" &&
	 grep -q "\"asset_criticality\":75" "$T/e"'
check_exit 'a re-import replaces an asset' 0 \
	'printf "host,criticality\nws-77,10\n" >"$T/a2.csv" && soc-enrich assets import "$T/a2.csv" >/dev/null'
check 'with its new values' \
	'enr "\"host\":{\"name\":\"ws-77\"}" | grep -q "\"criticality\":10,\"criticality_label\":\"low\",\"tags\":\[\]"'

check_exit 'identities from a JSON array' 0 'soc-enrich identities import "$E/identities.json" >"$T/o"'
check 'counted' 'grep -q "identities.json: 3 identities, 0 errors" "$T/o"'
check 'a privileged user, all attributes' \
	'enr "\"user\":{\"name\":\"Alice\"}" >"$T/e" &&
	 grep -q "\"identities\":\[{\"field\":\"user.name\",\"value\":\"Alice\",\"privileged\":true,\"department\":\"IT Operations\",\"manager\":\"carol\",\"mfa\":true}\],\"privileged\":true" "$T/e"'
cat >"$T/u.ndjson" <<'EOF2'
{"@timestamp":"2026-11-22T10:00:00.000Z","related":{"user":["CORP\\svc-backup","bob@corp.example"]},"soc":{"kind":"alert","id":"x"}}
EOF2
check 'DOMAIN\\user and user@domain, from related.user' \
	'soc-enrich "$T/u.ndjson" >"$T/e" &&
	 grep -q "\"value\":\"CORP.*svc-backup\",\"privileged\":true,\"department\":\"IT Operations\"}" "$T/e" &&
	 grep -q "\"value\":\"bob@corp.example\",\"privileged\":false" "$T/e" &&
	 grep -q "\"privileged\":true,\"zones\"" "$T/e"'
check 'an unknown user: no identity, not privileged' \
	'enr "\"user\":{\"name\":\"mallory\"}" | grep -q "\"identities\":\[\],\"privileged\":false"'

check 'zones before import: internal and external by address' \
	'enr "\"source\":{\"ip\":\"192.168.1.1\"},\"destination\":{\"ip\":\"2001:db8::1\"},\"host\":{\"ip\":[\"fd00::5\"]}" |
	 grep -q "\"zones\":{\"source\":\"internal\",\"destination\":\"external\",\"host\":\"internal\"}"'
check_exit 'zones from CSV' 0 'soc-enrich zones import "$E/zones.csv" >"$T/o"'
check 'the longest prefix names the zone' \
	'enr "\"source\":{\"ip\":\"10.20.3.3\"},\"destination\":{\"ip\":\"10.1.1.1\"},\"host\":{\"ip\":\"172.16.0.9\"}" |
	 grep -q "\"zones\":{\"source\":\"dmz\",\"destination\":\"internal\",\"host\":\"vpn\"}"'
check_exit 'zones from a JSON map replace the old ones' 0 \
	'printf "{\"192.168.0.0/16\": \"guest\"}\n" >"$T/z.json" && soc-enrich zones import "$T/z.json" >/dev/null'
check 'only the new zones apply' \
	'enr "\"source\":{\"ip\":\"192.168.7.7\"},\"destination\":{\"ip\":\"10.20.3.3\"}" |
	 grep -q "\"zones\":{\"source\":\"guest\",\"destination\":\"internal\"}"'
check_exit 'a bad zones file: 65' 65 'soc-enrich zones import "$E/bad/zones.csv" >"$T/o" 2>"$T/e"'
check 'names file and line and changes nothing' \
	'grep -q "bad/zones.csv:3: bad or missing CIDR .10.0.0.0/33." "$T/e" &&
	 enr "\"source\":{\"ip\":\"192.168.7.7\"}" | grep -q "\"zones\":{\"source\":\"guest\"}"'
check_exit 'a bad assets file: 65' 65 'soc-enrich assets import "$E/bad/assets.csv" >"$T/o" 2>"$T/e"'
check 'names file and line for each bad row, imports the good' \
	'grep -q "bad/assets.csv:3: bad criticality .extreme." "$T/e" &&
	 grep -q "bad/assets.csv:4: bad IP address .10.0.0.300." "$T/e" && grep -q ": 2 assets, 2 errors" "$T/o"'
check_exit 'a bad identities file: 65 naming the row' 65 \
	'soc-enrich identities import "$E/bad/identities.csv" >"$T/o" 2>"$T/e" ||
	 { s=$?; grep -q "bad/identities.csv:3: bad privileged .maybe." "$T/e" && exit $s; }'
done_testing
