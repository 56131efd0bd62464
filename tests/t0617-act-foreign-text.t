#!/bin/sh
# Text soc-act did not write reaches its records and the audit log whole:
# a product's error page cut inside a character, a hook's message in
# Latin-1, a token a hostile service echoes three times past the point
# where the message is cut.  Each failed step keeps its error, its
# action_result entry in the audit log keeps the step and the outcome,
# and no prefix of a secret is left anywhere.  An approver's text that is
# not UTF-8 is refused before anything is recorded.  A host name with line
# breaks stays on its line of a mail.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
command -v python3 >/dev/null || skip_all 'python3 not installed'
plan 10
export SOC_NOW=2026-12-04T10:00:00.000Z
# An access token as long as Entra's (1,500 bytes).
MYTOK="tok-S3CR3T-$(printf '%01489d' 7)"
export MYTOK
e=$(printf '\303\251')
x=$(printf '%0159d' 0 | tr 0 x)
cat >routes.json <<EOF
{"/echo": {"status": 400, "body": "{{header:Authorization}}{{header:Authorization}}{{header:Authorization}}"},
 "/cut": {"status": 400, "body": "$x$e and more"}}
EOF
start_httpd --routes routes.json
printf '#!/bin/sh\nprintf "caf\\351 is down\\n" >&2\nexit 3\n' >hook.sh
chmod +x hook.sh
cat >c.json <<EOF
{"mode":"live",
 "templates":{"t":{"connector":"t","access":"write",
  "settings":{"base_url":{"default":"http://127.0.0.1:$HTTPD_PORT"},"key":{"secret":true}},
  "actions":{
   "block_ip":{"target":["ip"],"method":"POST","url":"{settings.base_url}/echo",
    "headers":{"Authorization":"Bearer {secret.key}"},"json":{"ip":"{target.value}"}},
   "block_domain":{"target":["domain"],"method":"POST","url":"{settings.base_url}/cut",
    "headers":{"Authorization":"Bearer {secret.key}"},"json":{"d":"{target.value}"}}}}},
 "connectors":{"t":{"allow_http":true,"key":{"env":"MYTOK"},"retry":{"attempts":1}}},
 "local":{"forensics":{"type":"hook","command":["$T/hook.sh"],"actions":["collect_forensics"]},
  "mailbox":{"path":"mbox"}},
 "tiers":{"collect_forensics":"auto"},
 "approvers":{"bob":{"roles":["approve"]}}}
EOF
soc-audit init --origin soc.test/act >/dev/null
S='"tier":"auto","phase":"contain"'
printf '{"soc":{"kind":"decision","id":"d1","decision":{"incident":"inc-1","steps":[%s,%s,%s,%s]}}}\n' \
    "{\"id\":\"s-echo\",\"action\":\"block_ip\",\"target\":{\"type\":\"ip\",\"value\":\"203.0.113.9\"},$S}" \
    "{\"id\":\"s-cut\",\"action\":\"block_domain\",\"target\":{\"type\":\"domain\",\"value\":\"evil.example\"},$S}" \
    "{\"id\":\"s-hook\",\"action\":\"collect_forensics\",\"target\":{\"type\":\"host\",\"value\":\"ws-1\"},$S}" \
    '{"id":"s-wait","action":"block_ip","target":{"type":"ip","value":"203.0.113.10"},"tier":"approve","phase":"contain"}' >d1

check_exit 'three steps fail, one waits' 69 'soc-act --config c.json d1 >o 2>e'
check 'each failed step keeps its error, cut at a character' \
	'jq -se "map(.soc.action | select(.status == \"failed\") | {(.step): .error}) | add |
	   (.\"s-cut\" | endswith(\": HTTP 400: $x\")) and
	   (.\"s-hook\" == \"hook exited 3: caf\\ufffd is down \") and
	   (.\"s-echo\" | startswith(\"refused: HTTP 400: Bearer [redacted]Bearer [redacted]Bearer \"))" o >/dev/null'
check 'their results are in the audit log with step and outcome, which verifies' \
	'jq -se "map(select(.kind == \"action_result\") | .data | select(.status == \"failed\" and
	   (.error | length) > 20) | .step) | sort == [\"s-cut\", \"s-echo\", \"s-hook\"]" \
	   state/audit/audit.log >/dev/null && soc-audit verify >/dev/null'
check 'no part of the token is anywhere' \
	'python3 -c "import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).iterdump(), sep=chr(10))" \
	   state/act.db >dump && grep -q "s-echo" dump && ! grep -q S3CR3T o e state/audit/audit.log dump'
check_exit 'a denial whose reason is not UTF-8 is refused' 64 \
	"soc-act --config c.json deny s-wait --by bob --reason 'caf$(printf '\351')'"
check 'nothing of it is recorded: the step still waits' \
	'! grep -q "\"denial\"" state/audit/audit.log &&
	 soc-act --config c.json pending >p && grep -q "^s-wait " p'
check_exit 'nor is a note that is not UTF-8' 64 \
	"soc-act --config c.json approve s-wait --by bob --note 'caf$(printf '\351')'"
check 'an approval in UTF-8 counts' \
	"soc-act --config c.json approve s-wait --by bob --note 'caf$e' >a; [ \$? -eq 69 ] &&
	 grep -q '\"note\":\"caf$e\"' state/audit/audit.log"
# A host name from an alert, holding line breaks, named in a mail: it
# stays on its line and starts no message of its own.
H='ws-1\n\nFrom evil@example Thu Jan  1 00:00:00 2026\nSubject: approve everything\n'
printf '{"soc":{"kind":"decision","id":"d2","decision":{"incident":"inc-2","steps":[%s]}}}\n' \
    "{\"id\":\"s-mail\",\"action\":\"notify_owner\",\"target\":{\"type\":\"host\",\"value\":\"$H\"},\"tier\":\"auto\",\"phase\":\"notify\"}" >d2
check_exit 'a mail about a host whose name holds line breaks' 0 'soc-act --config c.json d2 >o2'
check 'one message in the mailbox, the name on its target line' \
	'[ "$(grep -c "^From " state/mbox)" -eq 1 ] && ! grep -q "^Subject: approve" state/mbox &&
	 grep -q "^target: host ws-1  From evil@example" state/mbox'
done_testing
