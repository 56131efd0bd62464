#!/bin/sh
# soc-ingest's generic format: events of products no format knows (fixtures
# written to the shapes of Auth0, 1Password, GitHub, Cloudflare, Wiz,
# Zscaler, Lacework-like, app logs, Slack and an EDR's documented
# exports) and text lines become records by key names and value shapes;
# only an event without time, or a line that is not text, is a reject,
# with its raw line.  Then the property: over a mixed stream of every
# kind of line, each one ends as exactly one record or one reject that
# holds it.
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
plan 16
golden generic-products generic/products.ndjson
golden generic-text generic/text.log
G=$FIX/ingest/generic

check 'every product record is generic, with a confidence below 100' \
    'jq -e "select(.soc.source.format != \"generic\" or
        .soc.source.confidence >= 100 or .soc.source.confidence < 0)" \
        "$FIX/ingest/generic-products.out" >bad; [ ! -s bad ]'
check 'Auth0: the user and the client address' \
    'sed -n 1p "$FIX/ingest/generic-products.out" | jq -e ".user.email == \"narroway@example.com\"
        and (.related.ip | index(\"203.0.113.10\"))"'
check 'EDR detection: an alert with process, parent, hashes and host' \
    'sed -n 10p "$FIX/ingest/generic-products.out" | jq -e ".event.kind == \"alert\"
        and .process.parent.name == \"winword.exe\" and .process.hash.md5
        and .host.name == \"WS-0042\" and .soc.severity == 95
        and (.related.hash | length) == 2"'
check 'a time nested two levels down, an ARN account' \
    'sed -n 7p "$FIX/ingest/generic-products.out" | jq -e ".\"@timestamp\" == \"2026-11-22T06:30:00.000Z\"
        and .cloud.account.id == \"123456789012\""'
check 'key=value text: ports and addresses by side' \
    'sed -n 3p "$FIX/ingest/generic-text.out" | jq -e ".source.port == 51234
        and .destination.ip == \"93.184.216.34\" and .event.action == \"deny\""'

# The property, over a mixed stream of known, unknown, text, broken and
# binary lines.
{ cat "$G/products.ndjson" "$G/text.log" "$FIX/ingest/suricata-eve.json" \
      "$FIX/ingest/zeek-json.log" "$FIX/ingest/fast.log" "$FIX/ingest/cef.log"
  printf '%s\n' '{"half": "a JSON line cut' '"timestamp": "2026-11-22T00:00:00Z",' \
      '}' 'Nov 22 10:00:00' '12345' '{"t":"2026-11-22T01:00:00Z","nested":{"ip":"::ffff:10.0.0.1"}}'
  printf 'binary \002\003 2026-11-22T00:00:00Z\n'
} >mixed
check_exit 'the mixed stream: exit 65' 65 \
    'SOC_NOW=2026-11-22T12:00:00Z soc-ingest --stats --rejects rej mixed >out 2>err'
check 'records + rejects = the lines' \
    '[ $(( $(wc -l <out) + $(wc -l <rej) )) -eq $(grep -c . mixed) ]'
check 'each reject holds its raw line' \
    'jq -R -c . mixed | awk "{ print NR \"\t\" \$0 }" >want &&
     jq -r "\"\(.soc.reject.line)\t\(.soc.reject.raw | tojson)\"" rej >got &&
     [ -s got ] && grep -vxFf want got >missing; [ ! -s missing ]'
check 'each record has a time and a message' \
    'jq -e "select((.\"@timestamp\" | length) != 24 or (.message | length) == 0)" out >bad; [ ! -s bad ]'
check 'the piece of a JSON document and the binary line are rejects' \
    'grep -q ":$(( $(grep -c . mixed) - 5 )): unknown format" err &&
     grep -q ":$(grep -c . mixed): unknown format" err'
done_testing
