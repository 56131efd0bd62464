#!/bin/sh
# soc-enrich intel: importing STIX, MISP and lists (counts per file, the
# corpus when present), list/stats/expire, --source/--confidence/--ttl,
# and bad files reported by file and line.
. "$(dirname "$0")/lib.sh"
plan 36
E="$FIX/enrich"
export SOC_NOW=2026-11-22T12:00:00Z

check_exit 'STIX bundle' 0 'soc-enrich intel import "$E/intel/bundle.json" >"$T/o"'
check 'STIX: 9 indicators, 3 unsupported' \
	'grep -q "bundle.json: stix, source bundle: 9 indicators (9 new, 0 updated), 3 unsupported, 0 errors" "$T/o"'
check_exit 'MISP event' 0 'soc-enrich intel import "$E/intel/event.misp.json" >"$T/o"'
check 'MISP: 6 indicators (composites split, deleted skipped), 2 unsupported' \
	'grep -q "misp, source event: 6 indicators (6 new, 0 updated), 2 unsupported, 0 errors" "$T/o"'
check_exit 'lists' 0 'soc-enrich intel import "$E/intel/blocklist.txt" "$E/intel/feed.csv" >"$T/o"'
check 'list and CSV feed counts' \
	'grep -q "blocklist.txt: list, source blocklist: 4 indicators" "$T/o" &&
	 grep -q "feed.csv: list, source feed: 2 indicators" "$T/o"'
check_exit 'a re-import updates, adds nothing' 0 \
	'soc-enrich intel import "$E/intel/feed.csv" >"$T/o" && grep -q "(0 new, 2 updated)" "$T/o"'
check_exit 'stats' 0 'soc-enrich intel stats >"$T/stats"'
check 'stats counts by type and source' \
	'grep -q "^{\"indicators\":21,\"expired\":1," "$T/stats" &&
	 grep -q "\"by_type\":{\"cidr\":3,\"domain\":3,\"email\":2,\"ipv4\":8,\"ipv6\":1,\"md5\":1,\"sha1\":1,\"sha256\":1,\"url\":1}" "$T/stats"'
check_exit 'list' 0 'soc-enrich intel list >"$T/list"'
check 'list: one normalised indicator a line, with its evidence' \
	'test "$(wc -l <"$T/list")" -eq 21 &&
	 grep -q "^{\"type\":\"email\",\"value\":\"phish@bad.example\",\"source\":\"bundle\",\"confidence\":70,\"labels\":\[\],\"first_seen\":\"2026-10-05T00:00:00.000Z\"" "$T/list" &&
	 grep -q "\"value\":\"2001:db8:bad::1\"" "$T/list" &&
	 grep -q "\"value\":\"203.0.113.128/25\",\"source\":\"blocklist\"" "$T/list"'
check 'STIX labels, confidence and expiry kept' \
	'grep -q "{\"type\":\"ipv4\",\"value\":\"198.51.100.7\",\"source\":\"bundle\",\"confidence\":85,\"labels\":\[\"malicious-activity\",\"c2\",\"qakbot\"\],\"first_seen\":\"2026-10-01T00:00:00.000Z\",\"last_seen\":\"2026-11-01T00:00:00.000Z\",\"expires\":\"2027-10-01T00:00:00.000Z\"}" "$T/list"'
check 'MISP tags, category and to_ids kept' \
	'grep -q "\"value\":\"billing@bad.example\",\"source\":\"event\",\"confidence\":75,\"labels\":\[\"tlp:amber\",\"misp-galaxy:threat-actor=\\\\\"Example Panda\\\\\"\",\"to_ids\",\"Payload delivery\",\"phishing\"\]" "$T/list"'
check_exit '--source, --confidence, --ttl' 0 \
	'soc-enrich intel import --source mine --confidence 33 --ttl 2 "$E/intel/feed.csv" >/dev/null &&
	 soc-enrich intel list >"$T/list2"'
check 'are applied' \
	'grep -q "\"value\":\"198.51.100.77\",\"source\":\"mine\",\"confidence\":33,\"labels\":\[\],\"first_seen\":\"2026-11-22T12:00:00.000Z\",\"last_seen\":\"2026-11-22T12:00:00.000Z\",\"expires\":\"2026-11-24T12:00:00.000Z\"" "$T/list2"'
check_exit 'a day later nothing has expired yet' 0 \
	'SOC_NOW=2026-11-23T12:00:00Z soc-enrich intel expire >"$T/o" && grep -q "^1 expired" "$T/o"'
check_exit 'three days later the --ttl 2 indicators expire' 0 \
	'SOC_NOW=2026-11-25T12:00:00Z soc-enrich intel expire >"$T/o" && grep -q "^2 expired" "$T/o"'
printf '{"@timestamp":"2026-11-22T10:00:00.000Z","destination":{"ip":"198.51.100.77"},"soc":{"kind":"alert","id":"x"}}\n' >"$T/a"
check 'an expired indicator no longer matches, the other source still does' \
	'soc-enrich "$T/a" >"$T/o" && grep -q "\"source\":\"feed\"" "$T/o" && ! grep -q "\"source\":\"mine\"" "$T/o"'

check_exit 'a JSON syntax error: 65' 65 'soc-enrich intel import "$E/bad/syntax.json" >"$T/o" 2>"$T/e"'
check 'names file, line and column' 'grep -q "bad/syntax.json:3:69: expected a member name" "$T/e"'
check_exit 'a bad STIX pattern: 65, the rest imported' 65 \
	'soc-enrich intel import "$E/bad/pattern.json" >"$T/o" 2>"$T/e"'
check 'names file and line' \
	'grep -q "bad/pattern.json:3: bad STIX pattern: unbalanced brackets" "$T/e" && grep -q ": 1 indicators" "$T/o"'
check_exit 'a bad list line: 65' 65 'soc-enrich intel import "$E/bad/list.txt" >"$T/o" 2>"$T/e"'
check 'names file and line, keeps the others' \
	'grep -q "bad/list.txt:3: no indicator in .not an indicator at all!." "$T/e" && grep -q ": 2 indicators" "$T/o"'
check_exit 'a bad MISP value: 65' 65 'soc-enrich intel import "$E/bad/misp.json" >"$T/o" 2>"$T/e"'
check 'names file, line and value' 'grep -q "bad/misp.json:2: not a valid IP address: .999.1.1.1." "$T/e"'
check_exit 'a missing file: 66' 66 'soc-enrich intel import "$T/nope" 2>"$T/e"'
check_exit 'no file: usage' 64 'soc-enrich intel import'

# The corpus: indicator counts per file.
C="$CORPUS/threat-intel"
if [ -d "$C" ]; then
	cat >"$T/want" <<-'EOF2'
	block.txt 2
	drop.txt 2
	feodoips.txt 2
	urlhaus.txt 2
	zeusips.txt 1
	indicator-for-c2-ip-address.json 1
	indicators-for-C2-with-COA.json 2
	infrastructure.json 0
	malicious-email-indicator-with-attachment.json 0
	poisonivy.json 64
	existing_event.json 68
	mainly_objects_1.json 26
	to_delete1.json 50
	EOF2
	soc-enrich --state "$T/c" intel import "$C"/ioc-lists/*.txt "$C"/stix/*.json \
	    "$C"/misp/*.json >"$T/co" 2>"$T/ce"
	echo $? >"$T/crc"
	sed 's|^.*/||; s/: [a-z]*, source [^:]*: \([0-9]*\) indicators.*/ \1/' "$T/co" >"$T/got"
	check_same 'corpus: indicators per file' "$T/want" "$T/got"
	check 'corpus: imported without errors' 'test "$(cat "$T/crc")" -eq 0 && ! test -s "$T/ce"'
else
	skip 'corpus absent'
	skip 'corpus absent'
fi
# Observables named twice: a URL's host is its field's observable unless a
# field before it named the same domain; related.hosts adds the names with
# a dot that no field before it gave.
printf 'www.hostcheck.example\n10.77.0.1\nws-9.corp\n' >"$T/hosts.txt"
printf '%s\n' '{"destination":{"domain":"WWW.HostCheck.example"},"url":{"original":"http://www.hostcheck.example/a"},"related":{"hosts":["ws-9","ws-9.corp","www.hostcheck.example"]},"soc":{"kind":"alert"}}' \
	'{"url":{"original":"https://10.77.0.1:8443/x","full":"HTTP://WWW.HOSTCHECK.EXAMPLE/"},"soc":{"kind":"alert"}}' >"$T/hosts.ndjson"
check_exit 'hosts: import' 0 'soc-enrich intel import --source hosts "$T/hosts.txt" >/dev/null'
check_exit 'hosts: enrich' 0 'soc-enrich "$T/hosts.ndjson" >"$T/hosts.out"'
check 'hosts: each match under the first field that named it' \
	'grep -o "\"field\":\"[a-z.]*\",\"value\":\"[^\"]*\"" "$T/hosts.out" >"$T/hosts.f" &&
	 printf "%s\n" "\"field\":\"destination.domain\",\"value\":\"www.hostcheck.example\"" \
	    "\"field\":\"related.hosts\",\"value\":\"ws-9.corp\"" \
	    "\"field\":\"url.full\",\"value\":\"www.hostcheck.example\"" \
	    "\"field\":\"url.original\",\"value\":\"10.77.0.1\"" >"$T/hosts.want" &&
	 cmp "$T/hosts.f" "$T/hosts.want"'
# An IPv6 literal in a URL is its host up to the bracket, port or none.
printf '2001:db8::1\n' >"$T/v6.txt"
printf '%s\n' '{"url":{"full":"http://[2001:DB8:0::1]:8080/x"},"soc":{"kind":"alert"}}' \
	'{"url":{"original":"https://[2001:db8::1]/"},"soc":{"kind":"alert"}}' \
	'{"url":{"full":"http://[2001:db8::1/x"},"soc":{"kind":"alert"}}' >"$T/v6.ndjson"
check_exit 'url ipv6: import' 0 'soc-enrich intel import --source v6 "$T/v6.txt" >/dev/null'
check_exit 'url ipv6: enrich' 0 'soc-enrich "$T/v6.ndjson" >"$T/v6.out"'
check 'url ipv6: a bracketed host matches, an unclosed bracket does not' \
	'grep -c "\"type\":\"ipv6\",\"field\":\"url\.[a-z]*\",\"value\":\"2001:db8::1\"" "$T/v6.out" >"$T/v6.n";
	 test "$(cat "$T/v6.n")" -eq 2 && test "$(wc -l <"$T/v6.out")" -eq 3'
done_testing
