#!/bin/sh
# soc-act's local actions really enforce: nftables sets with timeouts in
# a network namespace of the test's own (never the host's rules), ticket
# files updated in place, a mailbox, a command hook.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/act-lib.sh"
command -v nft >/dev/null 2>&1 || skip_all 'nft not installed (Debian package nftables)'
unshare -n nft list tables >/dev/null 2>&1 ||
	skip_all 'cannot create a network namespace with nftables here (unshare -n)'
plan 15
export SOC_NOW=2026-12-04T10:00:00.000Z
soc-audit init --origin soc.test/act >/dev/null
cat >hook.sh <<'EOF2'
#!/bin/sh
{ echo "$SOC_ACTION $SOC_TARGET_TYPE $SOC_TARGET_VALUE $SOC_INCIDENT"; cat; echo; } >>"$(dirname "$0")/hook.out"
EOF2
chmod +x hook.sh
cat >c.json <<EOF2
{"mode":"live","local":{"nft":{"table":"soctest","set":"blk"},"tickets":{"dir":"tickets"},
 "mailbox":{"path":"mbox","to":"soc@corp.example"},
 "forensics":{"type":"hook","command":["$T/hook.sh"],"actions":["collect_forensics"]}},
 "tiers":{"collect_forensics":"auto"}}
EOF2
decision d1 inc-0001 \
    '{"id":"s-ip","action":"block_ip","target":{"type":"ip","value":"203.0.113.7"},"tier":"auto","phase":"contain","ttl_s":3600}' \
    '{"id":"s-dom","action":"block_domain","target":{"type":"domain","value":"localhost"},"tier":"auto","phase":"contain","ttl_s":7200}' \
    '{"id":"s-bad","action":"block_ip","target":{"type":"ip","value":"1.2.3.4; nft flush ruleset"},"tier":"auto","phase":"contain"}' \
    '{"id":"s-t1","action":"open_ticket","target":{"type":"host","value":"ws-12"},"inputs":{"title":"Ransomware on ws-12","text":"opened"},"tier":"auto","phase":"notify"}' \
    '{"id":"s-t2","action":"update_ticket","target":{"type":"host","value":"ws-12"},"inputs":{"text":"contained"},"tier":"auto","phase":"notify","after":["s-t1"]}' \
    '{"id":"s-mail","action":"notify_channel","target":{"type":"channel","value":"soc"},"inputs":{"title":"blocked","text":"From the SOC:\nblocked 203.0.113.7"},"tier":"auto","phase":"notify"}' \
    '{"id":"s-hook","action":"collect_forensics","target":{"type":"host","value":"ws-12"},"tier":"auto","phase":"eradicate"}' >d1.ndjson
nft list ruleset >host.before 2>&1
unshare -n sh -c '
	soc-act --config c.json d1.ndjson >o 2>e; echo $? >rc1
	nft list set inet soctest blk_v4 >l1 2>&1
	nft list set inet soctest blk_v6 >l1v6 2>&1
	nft list chain inet soctest input >chain 2>&1
	SOC_NOW=2026-12-04T11:30:00.000Z soc-act --config c.json expire >x1 2>&1; echo $? >rc2
	nft list set inet soctest blk_v4 >l2 2>&1
	nft list set inet soctest blk_v6 >l2v6 2>&1
	SOC_NOW=2026-12-04T12:30:00.000Z soc-act --config c.json expire >x2 2>&1; echo $? >rc3
	nft list set inet soctest blk_v6 >l3v6 2>&1
	soc-act --config c.json d1.ndjson >o2 2>&1; echo $? >rc4
	nft list set inet soctest blk_v4 >l4 2>&1
'
nft list ruleset >host.after 2>&1
st() { jq -r "select(.soc.action.step==\"$2\") | .soc.action.status" "$1" | tail -n 1; }

check 'the run fails only for the step that is no address (exit 69)' \
	'[ "$(cat rc1)" -eq 69 ] && [ "$(st o s-bad)" = failed ] && grep -q "is not an IP address" o'
check 'the address is in the set, with its timeout' \
	'grep -q "203.0.113.7 timeout 1h expires" l1 && grep -q "flags timeout" l1'
check 'the domain resolved: its addresses in the sets' \
	'grep -q "127.0.0.1 timeout 2h" l1 &&
	 { ! getent ahostsv6 localhost | grep -q "^::1 " || grep -q "::1 timeout 2h" l1v6; }'
check 'the chain drops what the sets hold' \
	'grep -q "ip saddr @blk_v4 drop" chain && grep -q "ip6 saddr @blk_v6 drop" chain'
check 'the record shows the nft command' \
	'jq -se "[.[] | select(.soc.action.step==\"s-ip\")][0].soc.action.result.commands == [\"nft add element inet soctest blk_v4 { 203.0.113.7 timeout 3600s }\"]" o >/dev/null'
check 'expire after the address TTL removes it, and only it' \
	'[ "$(cat rc2)" -eq 0 ] && ! grep -q 203.0.113.7 l2 && grep -q 127.0.0.1 l2 &&
	 [ "$(st x1 s-ip)" = expired ] && [ "$(grep -c "\"kind\":\"action\"" x1)" -eq 1 ]'
check 'expire after the domain TTL removes its addresses' \
	'[ "$(cat rc3)" -eq 0 ] && ! grep -q "::1" l3v6 && [ "$(st x2 s-dom)" = expired ] &&
	 nft_empty=$(cat l3v6) && [ -n "$nft_empty" ]'
check 'a replay blocks nothing again (the step that sent nothing fails again)' \
	'[ "$(cat rc4)" -eq 69 ] && ! grep -q "203.0.113.7\|127.0.0.1" l4 &&
	 [ "$(jq -r "select(.soc.kind==\"action\") | .soc.action.status" o2 | sort | uniq -c | tr -s " " | tr "\n" ,)" = " 1 failed, 6 skipped," ]'
check 'the host'"'"'s rules are untouched' 'cmp -s host.before host.after'
check 'one ticket file for the case, updated in place' \
	'[ "$(ls state/tickets)" = inc-0001.json ] &&
	 jq -e ".case == \"inc-0001\" and .title == \"Ransomware on ws-12\" and .status == \"open\" and
	   [.entries[].action] == [\"open_ticket\",\"update_ticket\"] and .entries[1].text == \"contained\"" state/tickets/inc-0001.json >/dev/null'
check 'the ticket file is private' '[ "$(stat -c %a state/tickets/inc-0001.json)" = 600 ]'
check 'the mailbox holds one message, a body line that starts with From escaped' \
	'[ "$(grep -c "^From " state/mbox)" -eq 1 ] && grep -q "^>From the SOC:" state/mbox &&
	 grep -q "^To: soc@corp.example" state/mbox && grep -q "^Subject: \[socpipe\] blocked (incident inc-0001)" state/mbox'
check 'the hook ran with the step in its environment and on stdin' \
	'head -n 1 hook.out | grep -qx "collect_forensics host ws-12 inc-0001" &&
	 sed -n 2p hook.out | jq -e ".step.id == \"s-hook\"" >/dev/null && [ "$(st o s-hook)" = done ]'
check 'in dry run, the nft command is shown and nothing runs' \
	'jq ".mode = \"dry_run\"" c.json >dry.json &&
	 decision d9 inc-0009 "{\"id\":\"s9\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"2001:db8::7\"},\"tier\":\"auto\",\"phase\":\"contain\",\"ttl_s\":60}" >d9.ndjson &&
	 soc-act --config dry.json d9.ndjson >o9 &&
	 [ "$(st o9 s9)" = dry_run ] && grep -q "nft add element inet soctest blk_v6 { 2001:db8::7 timeout 60s }" o9'
check_exit 'the audit log verifies' 0 'soc-audit verify >/dev/null'
done_testing
